/**
 * A customer's notification preferences: the channels whose optional messages they turned
 * off (`users.muted_channels`, read by the notifier with each batch) and the number text
 * messages go to (`users.phone`, optional). What stays optional is the notifier's rule
 * (`optional` in actors/notification.ts); this only records the choice.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { users } from "../../db/schema.ts";
import { InputError } from "../contracts/errors.ts";
import type { Channel } from "../notification.ts";
import { smsNumber } from "./account-rules.ts";

export const CHANNEL_NAMES: readonly Channel[] = ["email", "sms"];

export type Preferences = {
  /** channels whose optional messages the customer does not want */
  muted: Channel[];
  /** the number text messages go to; null: none are sent */
  phone: string | null;
};

/** A change: the channels to mute, and the phone as typed ("" removes it). */
export type PreferencesChange = { muted: Channel[]; phone: string };

const enabled = isNull(users.disabledAt);

export class NotificationPreferences {
  constructor(private readonly db: Db) {}

  /** The account's preferences, or null for an unknown or disabled account. */
  async get(userId: string): Promise<Preferences | null> {
    const [row] = await this.db.select({ muted: users.mutedChannels, phone: users.phone }).from(users).where(and(eq(users.id, userId), enabled));
    return row ? { muted: mutedOf(row.muted), phone: row.phone } : null;
  }

  /** Records `change` (the phone as E.164); InputError naming the phone when it is no number texts can go to; null for no account. */
  async set(userId: string, change: PreferencesChange): Promise<Preferences | null> {
    const phone = phoneOf(change.phone);
    const muted = CHANNEL_NAMES.filter((c) => change.muted.includes(c));
    const [row] = await this.db.update(users).set({ mutedChannels: muted, phone }).where(and(eq(users.id, userId), enabled))
      .returning({ muted: users.mutedChannels, phone: users.phone });
    return row ? { muted: mutedOf(row.muted), phone: row.phone } : null;
  }
}

/** The phone to keep: null when left empty, else its E.164 form. */
export function phoneOf(typed: string): string | null {
  if (typed.trim() === "") return null;
  const r = smsNumber(typed);
  if ("problem" in r) throw new InputError("phone", r.problem);
  return r.number;
}

// the column is jsonb: keep only the channels this shop knows, in their usual order
const mutedOf = (v: unknown): Channel[] => (Array.isArray(v) ? CHANNEL_NAMES.filter((c) => v.includes(c)) : []);
