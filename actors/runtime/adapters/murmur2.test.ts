import { describe, expect, test } from "bun:test";
import { Partitioners, type PartitionMetadata } from "kafkajs";
import { murmur2, partitionFor } from "./murmur2.ts";

const utf8 = new TextEncoder();

// Deterministic keys: a seeded xorshift feeds UUID-shaped keys and strings of every
// length 0..40 characters (so each tail length 0-3 appears many times), plus multi-byte
// UTF-8 and a lone surrogate (both encoders write it as U+FFFD).
function keys(): string[] {
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return x >>> 0;
  };
  const hex = (n: number) => Array.from({ length: n }, () => (next() % 16).toString(16)).join("");
  const alphabet = [..."abcXYZ019-_:/ é漢ключ日本🚀"];
  const out = ["", "a", "ab", "abc", "abcd", "ключ-日本", "日本", "🚀", "é", "order-1", "\u0000", "\uffff", "lone \ud83d surrogate"];
  for (let i = 0; i < 600; i++) out.push(`${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);
  for (let len = 0; len <= 40; len++) {
    for (let j = 0; j < 34; j++) {
      out.push(Array.from({ length: len }, () => alphabet[next() % alphabet.length]).join(""));
    }
  }
  return out;
}

function metadata(n: number): PartitionMetadata[] {
  return Array.from({ length: n }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: partitionId % 3, replicas: [partitionId % 3], isr: [partitionId % 3] }));
}

describe("partitionFor", () => {
  const all = keys();

  test("the key set covers every tail length and multi-byte characters", () => {
    expect(all.length).toBeGreaterThanOrEqual(2000);
    const tails = new Set(all.map((k) => utf8.encode(k).length % 4));
    expect([...tails].sort()).toEqual([0, 1, 2, 3]);
    expect(all.some((k) => utf8.encode(k).length > k.length)).toBe(true);
  });

  for (const n of [1, 3, 4, 8, 12, 32]) {
    test(`matches kafkajs DefaultPartitioner with ${n} partitions`, () => {
      const partitioner = Partitioners.DefaultPartitioner();
      const partitionMetadata = metadata(n);
      const mismatches = all.filter((key) => partitionFor(key, n) !== partitioner({ topic: "order.events", partitionMetadata, message: { key, value: null } }));
      expect(mismatches).toEqual([]);
    });
  }

  test("spreads keys over all partitions", () => {
    const used = new Set(all.map((k) => partitionFor(k, 12)));
    expect(used.size).toBe(12);
  });

  test("rejects a partition count that is not a positive integer", () => {
    expect(() => partitionFor("k", 0)).toThrow(RangeError);
    expect(() => partitionFor("k", 2.5)).toThrow(RangeError);
  });
});

describe("murmur2", () => {
  // Vectors from Apache Kafka's UtilsTest and Akka's port of it: Java's Utils.murmur2.
  const java: [string, number][] = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
    ["1", -1993445489],
    ["12", 126087238],
    ["123", -267702483],
    ["1234", -1614185708],
    ["12345", -1188365604],
  ];
  test.each(java)("murmur2(%p) is Java's %p", (s, expected) => {
    expect(murmur2(utf8.encode(s))).toBe(expected);
  });

  test("hashes raw bytes, not characters", () => {
    expect(murmur2(new Uint8Array([0xd0, 0xba]))).toBe(murmur2(utf8.encode("к")));
    expect(murmur2(new Uint8Array([0xd0, 0xba]))).not.toBe(murmur2(new Uint8Array([0xba, 0xd0])));
  });
});
