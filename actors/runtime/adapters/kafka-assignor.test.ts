import { describe, expect, test } from "bun:test";
import { assignSticky, type Member } from "./kafka-assignor.ts";

const plan = (members: Member[], count = 8) => Object.fromEntries(assignSticky(members, count));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("assignSticky", () => {
  test("a first join with nothing held spreads the partitions evenly", () => {
    expect(plan([{ id: "b", held: [] }, { id: "a", held: [] }])).toEqual({ a: range(0, 4), b: range(4, 8) });
    expect(plan([{ id: "a", held: [] }, { id: "b", held: [] }, { id: "c", held: [] }])).toEqual({ a: [0, 1, 2], b: [3, 4, 5], c: [6, 7] });
  });

  test("a member that restarted gets the free partitions; the other keeps every one of its own", () => {
    // b was killed; its successor b2 joins with nothing, a still holds 0..3
    expect(plan([{ id: "a", held: range(0, 4) }, { id: "b2", held: [] }])).toEqual({ a: range(0, 4), b2: range(4, 8) });
  });

  test("a member left alone holds everything, and gives back only what the newcomer needs", () => {
    expect(plan([{ id: "a", held: range(0, 4) }])).toEqual({ a: range(0, 8) });
    const after = plan([{ id: "z", held: range(0, 8) }, { id: "a", held: [] }]);
    expect(after.z).toHaveLength(4);
    expect([...after.z!, ...after.a!].sort()).toEqual(range(0, 8));
  });

  test("a partition two members claim goes to one; out-of-range claims are dropped", () => {
    const out = plan([{ id: "a", held: [0, 1, 2, 3, 9] }, { id: "b", held: [3, 4, 5, 6, 7] }]);
    expect(out.a).toEqual([0, 1, 2, 3]);
    expect(out.b).toEqual([4, 5, 6, 7]);
  });

  test("every partition is assigned exactly once, whatever the members held", () => {
    for (let seed = 1; seed <= 50; seed++) {
      let x = seed;
      const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
      const members = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => ({
        id: `m${i}`, held: range(0, 10).filter(() => rnd() < 0.4),
      }));
      const out = assignSticky(members, 8);
      const all = [...out.values()].flat().sort((a, b) => a - b);
      expect(all).toEqual(range(0, 8));
      const sizes = [...out.values()].map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});
