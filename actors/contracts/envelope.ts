import { z } from "zod";
import { PAYLOADS, EVENT_TYPES, type EventType, type PayloadOf } from "./payloads.ts";

export const CONTRACT_VERSION = "v1";

export const TOPICS = [
  "order.commands", "order.events", "inventory.events", "payment.events",
  "shipping.events", "catalog.events", "user.events", "ops.events", "dead-letter",
] as const;
export type Topic = (typeof TOPICS)[number];

/** The envelope of every message on the log (seed 000). */
export type Envelope<T extends EventType = EventType> = {
  [K in T]: {
    eventId: string;
    type: K;
    version: number;
    timestamp: string;
    correlationId: string;
    causationId: string | null;
    key: string;
    payload: PayloadOf<K>;
    headers: Record<string, string>;
  };
}[T];

const Head = z.object({
  eventId: z.string().uuid(),
  type: z.string(),
  version: z.number().int().positive(),
  timestamp: z.string().datetime(),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  key: z.string().min(1),
  payload: z.unknown(),
  headers: z.record(z.string(), z.string()),
});

/** Which topic a type is published on. */
export function topicOf(type: EventType): Topic {
  if (type === "order.TimerFired.v1") return "order.commands";
  if (type === "ops.DeadLetter.v1") return "dead-letter";
  const ctx = type.slice(0, type.indexOf("."));
  return `${ctx}.events` as Topic;
}

export class ContractError extends Error {}

/** The topic a name read off the wire or a table stands for; any other name is a ContractError. */
export function parseTopic(name: string): Topic {
  const topic = TOPICS.find((t) => t === name);
  if (!topic) throw new ContractError(`unknown topic ${name}`);
  return topic;
}

/** Parse a raw message; unknown types, unknown major versions and bad payloads are ContractErrors. */
export function parseEnvelope(raw: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ContractError("message is not JSON");
  }
  const head = Head.safeParse(json);
  if (!head.success) throw new ContractError(`bad envelope: ${head.error.issues[0]?.message}`);
  const h = head.data;
  const major = h.headers["event-contract-version"];
  if (major !== CONTRACT_VERSION) throw new ContractError(`unsupported contract version ${major}`);
  if (!(EVENT_TYPES as string[]).includes(h.type)) throw new ContractError(`unknown event type ${h.type}`);
  const type = h.type as EventType;
  const payload = PAYLOADS[type].safeParse(h.payload);
  if (!payload.success) {
    const issue = payload.error.issues[0];
    throw new ContractError(`bad payload for ${type}: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return { ...h, type, payload: payload.data } as Envelope;
}

/** What a decide function emits: the runner turns it into an envelope. */
export type Emit = { [K in EventType]: { type: K; payload: PayloadOf<K> } }[EventType];

/** Build an envelope caused by `cause` (or starting a new saga trace when null). */
export function envelope(e: Emit, key: string, at: Date, cause: Envelope | null, eventId: string): Envelope {
  return {
    eventId,
    type: e.type,
    version: 1,
    timestamp: at.toISOString(),
    correlationId: cause?.correlationId ?? key,
    causationId: cause?.eventId ?? null,
    key,
    payload: e.payload,
    headers: { "event-contract-version": CONTRACT_VERSION },
  } as Envelope;
}
