import { afterAll, describe, expect, test } from "bun:test";
import { tagged, together } from "./sql.ts";
import { databases, ENGINES } from "../test/engines.ts";

describe.each(ENGINES)("combined statements on %s", (engine) => {
  const dbs = databases();
  afterAll(() => dbs.closeAll());

  test("writes together commit all or nothing; tagged reads return each statement's rows, locked", async () => {
    const { sql } = await dbs.open(engine);
    const put = (kind: string, keys: string[]) => ({
      text: "INSERT INTO runtime.actor_state (kind, key, state) SELECT $1, k, '{}'::jsonb FROM unnest($2::text[]) AS k", params: [kind, keys],
    });
    const good = together([put("a", ["1", "2"]), put("b", ["3"])])!;
    await sql.query(good.text, good.params);
    const bad = together([put("a", ["4"]), put("b", ["3"])])!; // b/3 exists: the whole statement fails
    await expect(sql.query(bad.text, bad.params)).rejects.toThrow();
    const rows = await sql.transaction(async (tx) => {
      const q = tagged([
        { text: "INSERT INTO runtime.processed_events (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING RETURNING consumer AS key, event_id AS value", params: ["x", crypto.randomUUID()] },
        { text: "SELECT key, state AS value FROM runtime.actor_state WHERE kind = $1 AND key = ANY($2::text[]) FOR UPDATE", params: ["a", ["1", "2", "4"]] },
        { text: "SELECT key, state AS value FROM runtime.actor_state WHERE kind = $1 AND key = ANY($2::text[]) FOR UPDATE", params: ["b", ["3"]] },
      ]);
      return tx.query<{ src: number; key: string; value: string }>(q.text, q.params);
    });
    expect(rows.map((r) => [r.src, r.key]).sort()).toEqual([[0, "x"], [1, "1"], [1, "2"], [2, "3"]]);
    expect(rows.find((r) => r.src === 1)?.value).toBe("{}");
  });
});
