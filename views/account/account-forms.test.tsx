import { expect, test } from "bun:test";
import { renderDocument } from "../layout.tsx";
import { LoginPage, RegisterPage, retryText } from "./account-forms.tsx";

test.each([
  [1, "Try again in 1 second."],
  [59, "Try again in 59 seconds."],
  [60, "Try again in 1 minute."],
  [61, "Try again in 2 minutes."],
  [900, "Try again in 15 minutes."],
])("retryText(%i)", (seconds, text) => {
  expect(retryText(seconds)).toBe(text);
});

test("a form-wide error has no field link; field errors link to their inputs", () => {
  const html = renderDocument(<LoginPage errors={[{ message: "Wrong email or password" }]} next="/" values={{ email: "a@b.co" }} />);
  expect(html).toContain("<li>Wrong email or password</li>");
  expect(html).not.toContain("aria-invalid");
  const reg = renderDocument(<RegisterPage errors={[{ field: "name", message: "Name is required" }]} next="/x" values={{ name: "", email: "" }} />);
  expect(reg).toContain('<a href="#name">Name is required</a>');
  expect(reg).toContain('href="/login?next=%2Fx"');
});
