/**
 * The actor kinds of a process read the log as ONE consumer group. A batch is parsed
 * once; each message goes to the kinds that read its type (a message no kind reads costs
 * nothing more), and every kind's share commits in ONE transaction:
 *
 *   parse ─▶ route by type ─▶ provider calls ─▶ BEGIN: processed marks ─▶ decide per kind
 *     ─▶ each kind's followers decide on what it emitted ─▶ states, outbox, timers, dead letters ─▶ COMMIT
 *
 * Every topic is keyed by orderId with the same partition count, and a batch holds each
 * partition at most once, so one order is never handled twice at once. A processed mark
 * per (kind, message) makes a redelivered message a no-op: it neither calls a provider nor
 * decides again. When the transaction fails, each (kind, message) is tried alone to find the
 * one at fault, again with a growing pause up to `maxAttempts` times, and then parked in the
 * dead letters for that kind (which marks it processed) while the rest of the batch goes on:
 * a message that cannot be processed costs its own key a moment, never its lane.
 */
import { tagged, together, type Sql, type Stmt } from "../../db/sql.ts";
import { ContractError, envelope, parseEnvelope, topicOf, type Envelope, type Topic } from "../contracts/index.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { Batch, Delivered } from "./bus.ts";
import { log } from "./log.ts";
import type { Item, KindRunner, RunnerDeps, Share } from "./runner.ts";
import { isUnavailable } from "./unavailable.ts";
import { outboxInsert, run, timerWrites, type OutboxRow } from "./writes.ts";

/** A message to park: `since` is its first failed try. */
type Poison = { kind: string; d: Delivered; error: string; attempts: number; since: Date };
type Mark = { kind: string; eventId: string };
/** How long provider answers may take and still commit with everything else. */
const QUICK_MS = 2;
/**
 * How long the calling kinds' answers may gather before those in are committed without the
 * rest: longer than a provider's usual answer, so a batch is one transaction as a rule.
 */
const ANSWERS_MS = 100;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ActorGroup {
  readonly topics: readonly Topic[];
  private retry: Required<Pick<BackoffOptions, "firstMs" | "sleep">>;

  /** `retry`: the pause before a failed message is tried again (50 ms, doubling). */
  constructor(private runners: readonly KindRunner[], private deps: Omit<RunnerDeps, "call">, retry: Pick<BackoffOptions, "firstMs" | "sleep"> = {}) {
    this.topics = [...new Set(runners.flatMap((r) => r.topics))];
    this.retry = { firstMs: retry.firstMs ?? 50, sleep: retry.sleep ?? wait };
  }

  /** Does some kind of this group read `env` from the log? */
  reads(env: Envelope): boolean {
    return this.runners.some((r) => r.reads(env));
  }

  /** Handle one batch. Throws when the batch must be redelivered. */
  async handleBatch(batch: Batch): Promise<void> {
    const items: Item[] = [];
    const poison: Poison[] = [];
    for (const d of batch.messages) {
      try {
        items.push({ d, env: parseEnvelope(d.value) });
      } catch (err) {
        if (!(err instanceof ContractError)) throw err;
        // unreadable: every kind that reads the topic parks it
        for (const r of this.runners) if (r.topics.includes(d.topic)) poison.push({ kind: r.kind, d, error: err.message, attempts: 1, since: this.deps.now() });
      }
    }
    const routed = this.runners.map((r) => [r, items.filter((i) => r.reads(i.env))] as const).filter(([, list]) => list.length > 0);
    // Once the kinds that call nobody have committed, the keys with no message for a calling
    // kind are done, and so is a calling key once its answers are committed: the lane lets
    // their next messages go while the other calls are answered.
    const calling = new Set(routed.filter(([r]) => r.calls).flatMap(([, list]) => list.map((i) => i.d.key)));
    const release = batch.release &&
      ((keys?: ReadonlySet<string>) => batch.release!(batch.messages.filter((d) => (keys ? keys.has(d.key) : !calling.has(d.key)))));
    try {
      await this.commit(routed, poison, undefined, release);
    } catch (err) {
      // The database or the log is out of reach: no message is to blame, the batch comes again.
      if (isUnavailable(err)) throw err;
      // Find what fails: one transaction per (kind, message), each kind's messages in order.
      if (poison.length > 0) await this.commit([], poison);
      for (const [r, list] of routed) for (const item of list) await this.commitAlone(r, item);
    }
  }

  /** Commit one (kind, message) alone, trying again after a pause; after `maxAttempts` park it. */
  private async commitAlone(r: KindRunner, item: Item) {
    const since = this.deps.now();
    for (let attempts = 1, pause = this.retry.firstMs; ; attempts++, pause *= 2) {
      try {
        return await this.commit([[r, [item]]], []);
      } catch (err) {
        if (isUnavailable(err)) throw err; // not this message's fault: it keeps its attempts
        const about = { correlationId: item.env.correlationId, consumer: r.kind, type: item.env.type, eventId: item.env.eventId, attempts };
        if (attempts < this.deps.maxAttempts) {
          log.warn("message failed, will retry", { ...about, error: err });
          await this.retry.sleep(pause);
          continue;
        }
        log.error("message dead-lettered", { ...about, error: err });
        const error = String(err instanceof Error ? err.message : err);
        return this.commit([], [{ kind: r.kind, d: item.d, error, attempts, since }], { kind: r.kind, eventId: item.env.eventId });
      }
    }
  }

  /**
   * Commit every kind's share. Provider calls start first; when their answers come at once
   * everything goes in one transaction, otherwise the kinds that call nobody commit right
   * away (an order page shows "items reserved" while the card is still being charged) and
   * the calling kinds once their answers are in: all together when they come within
   * ANSWERS_MS, else each key's as soon as they are in (every ANSWERS_MS at most), so a
   * provider that never answers one key holds up no other. `parkedMark` marks a parked
   * message processed; `release` is told when the kinds that call nobody have committed
   * alone (no keys), and which calling keys were committed ahead of the rest.
   */
  private async commit(routed: readonly (readonly [KindRunner, Item[]])[], poison: Poison[], parkedMark?: Mark, release?: (keys?: ReadonlySet<string>) => void) {
    const shares = (await this.unprocessed(routed)).map(([r, list]) => r.share(list));
    if (shares.length === 0 && poison.length === 0) return;
    const calling = shares.filter((s) => s.calls);
    await Promise.all(calling.map((s) => s.plan()));
    // a key is answered once every calling share that holds it has its answers
    const waiting = new Map<string, number>();
    for (const s of calling) for (const k of new Set(s.items.map((i) => i.env.key))) waiting.set(k, (waiting.get(k) ?? 0) + 1);
    const answeredKeys = new Set<string>();
    const answered = Promise.all(calling.map((s) => s.call((key) => {
      const left = (waiting.get(key) ?? 1) - 1;
      waiting.set(key, left);
      if (left === 0) answeredKeys.add(key);
    })));
    const within = (ms: number) => Promise.race([answered.then(() => true), wait(ms).then(() => false)]);
    if (calling.length === 0 || await within(QUICK_MS)) {
      await answered;
      return this.transact(shares, poison, parkedMark);
    }
    await this.transact(shares.filter((s) => !s.calls), poison, parkedMark);
    release?.();
    const committed = new Set<string>();
    const uncommitted = (keys: Iterable<string>) => new Set([...keys].filter((k) => !committed.has(k)));
    const sharesOf = (keys: ReadonlySet<string>) => calling.map((s) => s.split(keys)).filter((s) => s.items.length > 0);
    while (!(await within(ANSWERS_MS))) {
      const ready = uncommitted(answeredKeys);
      if (ready.size === 0) continue;
      await this.transact(sharesOf(ready), []);
      for (const k of ready) committed.add(k);
      release?.(ready);
    }
    await answered;
    await this.transact(committed.size === 0 ? calling : sharesOf(uncommitted(waiting.keys())), []);
  }

  /**
   * `routed` without the messages the calling kinds processed already (a redelivery after a
   * crash, a parked message): they call no provider and decide nothing again. The mark is
   * checked once more in the transaction, for a member that lost the partition meanwhile.
   */
  private async unprocessed(routed: readonly (readonly [KindRunner, Item[]])[]): Promise<(readonly [KindRunner, Item[]])[]> {
    const marks = routed.filter(([r]) => r.calls).flatMap(([r, list]) => list.map((i) => ({ kind: r.kind, eventId: i.env.eventId })));
    if (marks.length === 0) return [...routed];
    const rows = await this.deps.sql.query<{ consumer: string; event_id: string }>(
      `SELECT consumer, event_id::text AS event_id FROM runtime.processed_events
       WHERE (consumer, event_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))`,
      [marks.map((m) => m.kind), marks.map((m) => m.eventId)]);
    if (rows.length === 0) return [...routed];
    const done = new Set(rows.map((r) => `${r.consumer}\0${r.event_id}`));
    return routed.map(([r, list]) => [r, r.calls ? list.filter((i) => !done.has(`${r.kind}\0${i.env.eventId}`)) : list] as const);
  }

  /** ONE transaction for these shares (their provider calls are done) and the poison. */
  private async transact(shares: Share[], poison: Poison[], parkedMark?: Mark) {
    if (shares.length === 0 && poison.length === 0) return;
    let announced: { kind: string; row: OutboxRow }[] = [];
    let followed: Share[] = [];
    await this.deps.sql.transaction(async (tx) => {
      // ONE statement marks every message processed (a redelivered one is not new: skipped)
      // and loads every kind's states, locked (kinds that called providers check theirs held).
      const loads = shares.map((s) => s.loading());
      const rows = await query(tx, tagged([markStatement(shares, parkedMark), ...loads.filter((l): l is Stmt => l !== null)]));
      const fresh = new Set(rows.filter((r) => r.src === 0).map((r) => `${r.key}\0${r.value}`));
      announced = await this.park(tx, poison);
      let src = 0;
      const from = loads.map((l) => (l ? ++src : -1));
      // Kinds that lock shared rows decide last: their locks wait on nothing but the write and the commit.
      const order = [...shares.keys()].sort((a, b) => Number(shares[a]!.contended) - Number(shares[b]!.contended));
      for (const i of order) {
        const s = shares[i]!;
        await s.decide(tx, s.items.filter((item) => fresh.has(`${s.kind}\0${item.env.eventId}`)), rows.filter((r) => r.src === from[i]));
      }
      // The kinds that follow another decide on what it emitted (no marks: they commit with it).
      followed = [];
      for (const s of shares) followed.push(...(await s.follow(tx)));
      const all = [...shares, ...followed];
      // ONE statement writes every kind's states, the stock, the outbox and the timers.
      const write = together([
        ...all.flatMap((s) => s.saving()),
        ...outboxInsert([...all.flatMap((s) => s.outbox), ...announced.map((a) => a.row)]),
        ...timerWrites(all.flatMap((s) => s.timers)),
      ]);
      if (write) await run(tx, write);
    });
    for (const s of [...shares, ...followed]) s.after();
    if (announced.length > 0) {
      this.deps.onOutbox();
      this.deps.onParked?.(announced.length);
    }
    for (const { kind } of announced) {
      this.deps.metrics?.messages.inc({ group: kind, outcome: "dead_letter" });
      this.deps.metrics?.deadLetters.inc({ group: kind });
    }
  }

  /** Park poison messages (once per kind and source offset) and announce them on the dead-letter topic. */
  private async park(tx: Sql, poison: Poison[]): Promise<{ kind: string; row: OutboxRow }[]> {
    if (poison.length === 0) return [];
    const parked = await tx.query<{ consumer: string; topic: string; partition: number; offset: string }>(
      `INSERT INTO runtime.dead_letters (consumer, topic, partition, "offset", key, error, attempts, message, first_seen_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[]::timestamptz[])
       ON CONFLICT DO NOTHING RETURNING consumer, topic, partition, "offset"`, [
        poison.map((p) => p.kind), poison.map((p) => p.d.topic), poison.map((p) => p.d.partition), poison.map((p) => String(p.d.offset)),
        poison.map((p) => p.d.key), poison.map((p) => p.error), poison.map((p) => p.attempts), poison.map((p) => p.d.value),
        poison.map((p) => p.since.toISOString()),
      ]);
    const isNew = new Set(parked.map((r) => `${r.consumer}\0${r.topic}\0${r.partition}\0${r.offset}`));
    const now = this.deps.now();
    const rows: { kind: string; row: OutboxRow }[] = [];
    for (const p of poison) {
      if (!isNew.has(`${p.kind}\0${p.d.topic}\0${p.d.partition}\0${p.d.offset}`)) continue;
      const key = p.d.key || "unknown";
      const env = envelope({
        type: "ops.DeadLetter.v1",
        payload: { consumer: p.kind, topic: p.d.topic, partition: p.d.partition, offset: String(p.d.offset), error: p.error, attempts: p.attempts, original: p.d.value },
      }, key, now, null, crypto.randomUUID());
      rows.push({ kind: p.kind, row: { eventId: env.eventId, topic: topicOf(env.type), key, type: env.type, message: JSON.stringify(env) } });
    }
    return rows;
  }
}

/** A processed mark per (kind, message), returning (kind, eventId) of the marks that are new. */
function markStatement(shares: Share[], extra?: Mark): Stmt {
  const marks = shares.flatMap((s) => s.items.map((i) => ({ kind: s.kind, eventId: i.env.eventId })));
  if (extra) marks.push(extra);
  return {
    text: `INSERT INTO runtime.processed_events (consumer, event_id) SELECT * FROM unnest($1::text[], $2::uuid[])
      ON CONFLICT DO NOTHING RETURNING consumer AS key, event_id AS value`,
    params: [marks.map((m) => m.kind), marks.map((m) => m.eventId)],
  };
}

const query = (tx: Sql, s: Stmt) => tx.query<{ src: number; key: string; value: string }>(s.text, s.params);
