import { expect, test } from "bun:test";
import { emailProblem, nameProblem, passwordProblem, registrationErrors, smsNumber } from "./account-rules.ts";

test.each([
  ["ada@example.com", null],
  ["  Ada.Lovelace+shop@Example.co.uk ", null],
  ["", "Email is required"],
  ["ada", "Email must be an address like name@example.com"],
  ["ada@example", "Email must be an address like name@example.com"],
  ["ada @example.com", "Email must be an address like name@example.com"],
  ["ada@@example.com", "Email must be an address like name@example.com"],
  [`${"a".repeat(250)}@example.com`, "Email must be at most 254 characters"],
])("email %p", (email, problem) => {
  expect(emailProblem(email)).toBe(problem);
});

test.each([
  ["correct horse 1", null],
  ["abcdefghi1", null], // exactly 10
  ["Ünïcödé-pässwörd-7", null],
  ["abcdefgh1", "Password must be at least 10 characters"],
  ["a1".repeat(64) + "x", "Password must be at most 128 characters"],
  ["abcdefghijkl", "Password must contain at least one letter and one digit"],
  ["1234567890", "Password must contain at least one letter and one digit"],
])("password %p", (password, problem) => {
  expect(passwordProblem(password)).toBe(problem);
});

test.each([
  ["Ada Lovelace", null],
  ["   ", "Name is required"],
  ["x".repeat(101), "Name must be at most 100 characters"],
  ["Ada\u0000", "Name must not contain control characters"],
])("name %p", (name, problem) => {
  expect(nameProblem(name)).toBe(problem);
});

test("registrationErrors lists every broken rule in form order, naming each field", () => {
  expect(registrationErrors({ name: "", email: "nope", password: "short" }).map((e) => e.field)).toEqual(["name", "email", "password"]);
  expect(registrationErrors({ name: "Ada", email: "ada@example.com", password: "analytical1" })).toEqual([]);
});

test.each([
  ["+44 20 7946 0000", "+442079460000"],
  [" +1 (555) 010-0000 ", "+15550100000"],
  ["+41.79.000.00.00", "+41790000000"],
  ["020 7946 0000", null], // no country code: a text could go to the wrong country
  ["+0 123 456 789", null],
  ["+44 20 7946 0000 ext 1", null],
  ["+1234567890123456", null], // 16 digits: longer than E.164 allows
  ["+12345", null],
  ["", null],
])("text-message number %p", (input, number) => {
  const r = smsNumber(input);
  expect("number" in r ? r.number : null).toBe(number);
  if (!("number" in r)) expect(r.problem).toContain("starting with + and the country code");
});
