/**
 * No account enumeration through timing: for an email with an account and one without,
 * sign-in and a reset request run the same work - the same statements, one argon2
 * verification of a hash with the same cost - and a reset wakes the relay only after it
 * has answered. (How long each takes is measured by `bun run bench:enumeration`, never here.)
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openPglite, type Database } from "../../db/client.ts";
import { quickPasswords } from "../../test/accounts-kit.ts";
import { Accounts } from "./accounts.ts";
import type { Passwords } from "./passwords.ts";

let database: Database;
let statements: string[] = [];
const verified: string[] = [];
let hashes = 0;
let wakes = 0;
const passwords: Passwords = {
  hash: (p) => (hashes++, quickPasswords.hash(p)),
  verify: (p, hash) => (verified.push(hash), quickPasswords.verify(p, hash)),
};
let accounts: Accounts;
const KNOWN = "known@example.com";

beforeAll(async () => {
  database = await openPglite(undefined, { onQuery: (sql) => void statements.push(sql) });
  accounts = new Accounts(database.db, { passwords, onOutbox: () => void wakes++ });
  await accounts.register(KNOWN, "correct horse 1", { firstName: "Kim", lastName: "Known" });
}, 120_000); // a fresh database migrates in seconds, more on a busy machine
afterAll(() => database.close());

/** The statements `run` made, with the values left out. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  statements = [];
  await run();
  return statements.map((s) => s.replace(/\$\d+/g, "?"));
}

/** An argon2 hash's algorithm and cost, without its salt and digest. */
const costOf = (hash: string) => hash.split("$").slice(1, 4).join("$");

test("a wrong password and an unknown email: the same statement, one verification of a hash of the same cost", async () => {
  await accounts.login("warm-up@example.com", "whatever-1"); // the stand-in hash is made once, on first use
  hashes = 0;
  verified.length = 0;
  const known = await statementsOf(() => accounts.login(KNOWN, "wrong password 1"));
  const unknown = await statementsOf(() => accounts.login("nobody@example.com", "wrong password 1"));
  expect(unknown).toEqual(known);
  expect(hashes).toBe(0);
  expect(verified).toHaveLength(2);
  expect(costOf(verified[1]!)).toBe(costOf(verified[0]!));
  expect(costOf(verified[0]!)).toMatch(/^argon2id\$v=19\$m=1024,t=1,p=1$/);
});

test("a reset request: the same statements for an unknown email (rolled back), and the relay woken only after the answer", async () => {
  wakes = 0;
  const known = await statementsOf(() => accounts.requestPasswordReset(KNOWN));
  expect(wakes).toBe(0); // not yet: the answer goes first
  const unknown = await statementsOf(() => accounts.requestPasswordReset("nobody@example.com"));
  const overBudget = await statementsOf(() => accounts.requestPasswordReset(KNOWN, false));
  expect(known.some((s) => s.startsWith("INSERT INTO runtime.outbox"))).toBe(true);
  expect(unknown).toEqual(known);
  expect(overBudget).toEqual(known);
  await Bun.sleep(0);
  expect(wakes).toBe(1); // the known address's mail, once; none for the others
});
