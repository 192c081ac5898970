/**
 * Kafka's key partitioner: murmur2 (seed 0x9747b28c) over the key's UTF-8 bytes, made
 * positive by masking the sign bit, modulo the partition count. The embedded bus uses it
 * so a key lands on the same partition it would on a real broker fed by kafkajs.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const utf8 = new TextEncoder();

/** Kafka's 32-bit murmur2 hash of `bytes`, as a signed 32-bit integer (like Java's int). */
export function murmur2(bytes: Uint8Array): number {
  const length = bytes.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    // Little-endian word; the non-null assertions hold because i + 3 < whole <= length.
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1-3 bytes, highest first; Java writes this as a falling-through switch.
  const tail = length & 3;
  if (tail === 3) h ^= bytes[whole + 2]! << 16;
  if (tail >= 2) h ^= bytes[whole + 1]! << 8;
  if (tail >= 1) h = Math.imul(h ^ bytes[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition kafkajs's DefaultPartitioner picks for a string key among `partitions`. */
export function partitionFor(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partition count must be a positive integer, got ${partitions}`);
  // Masking rather than Math.abs: Java's toPositive, which maps MIN_VALUE to 0, not to itself.
  return (murmur2(utf8.encode(key)) & 0x7fffffff) % partitions;
}
