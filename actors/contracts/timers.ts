/** The order actor's durable timers, by name; a fired timer comes back as order.TimerFired.v1. */
import { z } from "zod";

export const ORDER_TIMERS = ["reservationExpiry", "handlingElapsed", "sagaStalled"] as const;
export const OrderTimer = z.enum(ORDER_TIMERS);
export type OrderTimer = z.infer<typeof OrderTimer>;
