import type { Topic } from "../contracts/index.ts";

/** A message to append to the log. */
export type BusRecord = { topic: Topic; key: string; value: string };
/** A message read back from the log. */
export type Delivered = BusRecord & { partition: number; offset: number };

/**
 * A batch of messages from one or more partitions, across every topic the group reads.
 * All topics have the same partition count and are keyed by orderId, so every message of
 * one order that this group reads comes from the same partition number (co-partitioning);
 * a partition is in at most one batch at a time, so one key is never handled twice at once.
 */
export type Batch = {
  messages: Delivered[];
  /**
   * Told by a handler that these messages are done before the rest of the batch is (what
   * waits only on a provider's answer): their keys go free at once. It passes every message
   * of each key it names, or none of the key's.
   */
  release?(done: Delivered[]): void;
};

export type BatchHandler = (batch: Batch) => Promise<void>;

export interface Consumer {
  /** Finish the batch in hand, commit its offsets and leave the group. */
  stop(): Promise<void>;
  /** Messages fetched and not yet done: queued for the handler or in its hands. */
  depth(): number;
}

/**
 * The event log port: Kafka semantics. A partition's batches are handed over one at a
 * time; offsets are committed once the handler resolves, so a crash redelivers, never skips.
 */
export interface Bus {
  readonly partitions: number;
  publish(records: BusRecord[]): Promise<void>;
  consume(group: string, topics: readonly Topic[], handler: BatchHandler): Promise<Consumer>;
  /** Messages not yet committed by `group`, per topic-partition (for metrics). */
  lag(group: string, topics: readonly Topic[]): Promise<{ topic: Topic; partition: number; lag: number }[]>;
  close(): Promise<void>;
}

/** Thrown by adapters when the log cannot be reached; the edge answers 503. */
export class Unavailable extends Error {}
