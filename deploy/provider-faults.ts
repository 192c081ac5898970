/**
 * Faults the provider service can be told to make, the way a real processor or carrier
 * misbehaves on a bad day. Each one does the work first and then spoils the answer, so the
 * shop must rely on its idempotency keys, never on an answer arriving:
 *
 * - `delay`: this share of requests is answered only after `delayMs` (set it past the
 *   caller's timeout: the caller gives up, tries again with the same key, and gets the answer
 *   the books kept);
 * - `lost`: this share of idempotency keys never gets an answer, on any try: the payment or
 *   parcel exists, the caller never hears of it;
 * - `twice`: this share of requests is handled twice at once, as if the network delivered it
 *   again; the second answer is sent.
 *
 * Set by `PROVIDER_FAULTS` (`delay=0.05,delayMs=4000,lost=0.01,twice=0.05`) or
 * `POST /faults` with the same fields as JSON; `GET /faults` shows them and what they did.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

const Share = z.number().min(0).max(1);
export const ProviderFaults = z.object({
  delay: Share.default(0),
  delayMs: z.number().int().min(0).max(120_000).default(0),
  lost: Share.default(0),
  twice: Share.default(0),
}).strict();
export type ProviderFaults = z.infer<typeof ProviderFaults>;

export const NO_FAULTS: ProviderFaults = { delay: 0, delayMs: 0, lost: 0, twice: 0 };

/** What the faults did so far: counts, and the keys whose answers were lost. */
export type FaultsDone = { delayed: number; twice: number; lost: number; lostKeys: string[] };

/** The faults in `PROVIDER_FAULTS` (`name=value,...`); throws naming the bad part. */
export function faultsFromEnv(text: string | undefined): ProviderFaults {
  if (!text?.trim()) return NO_FAULTS;
  const fields: Record<string, number> = {};
  for (const part of text.split(",")) {
    const [name, value, more] = part.split("=").map((s) => s.trim());
    if (!name || value === undefined || more !== undefined || !Number.isFinite(Number(value)) || value === "") {
      throw new Error(`PROVIDER_FAULTS: "${part}" is not name=number`);
    }
    fields[name] = Number(value);
  }
  const parsed = ProviderFaults.safeParse(fields);
  if (!parsed.success) throw new Error(`PROVIDER_FAULTS: ${parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** Whether `key` is among the `share` of keys that lose every answer: the same on every try. */
export function losesAnswers(key: string, share: number): boolean {
  if (share <= 0) return false;
  const n = createHash("sha256").update(key).digest().readUInt32BE(0);
  return n / 0x1_0000_0000 < share;
}

/** Wraps provider calls with the faults in force, and counts what they did. */
export function faultInjector(initial: ProviderFaults = NO_FAULTS, random: () => number = Math.random) {
  let faults = initial;
  const done: FaultsDone = { delayed: 0, twice: 0, lost: 0, lostKeys: [] };
  return {
    get: () => ({ faults, done }),
    set: (next: ProviderFaults) => void (faults = next),
    /** `work` under `key`, answered as the faults say (a lost answer never settles). */
    async run<R>(key: string, work: () => Promise<R>): Promise<R> {
      const f = faults;
      let answer: R;
      if (f.twice > 0 && random() < f.twice) {
        done.twice++;
        answer = (await Promise.all([work(), work()]))[1];
      } else {
        answer = await work();
      }
      if (losesAnswers(key, f.lost)) {
        done.lost++;
        if (!done.lostKeys.includes(key)) done.lostKeys.push(key);
        return new Promise<R>(() => {});
      }
      if (f.delay > 0 && random() < f.delay) {
        done.delayed++;
        await new Promise((resolve) => setTimeout(resolve, f.delayMs));
      }
      return answer;
    },
  };
}
export type FaultInjector = ReturnType<typeof faultInjector>;
