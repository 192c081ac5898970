import { expect, test } from "bun:test";
import { canSee, visibleCustomer, type Viewer } from "./visibility.ts";

const alice: Viewer = { sub: "alice", role: "customer" };
const admin: Viewer = { sub: "root", role: "admin" };

test.each([
  [alice, "alice", true],
  [alice, "bob", false],
  [admin, "bob", true],
] as const)("%o sees an order of %s: %p", (viewer, customerId, sees) => {
  expect(canSee(viewer, customerId)).toBe(sees);
});

test("a customer's lists hold their own orders; an admin's everyone's", () => {
  expect(visibleCustomer(alice)).toBe("alice");
  expect(visibleCustomer(admin)).toBeNull();
});
