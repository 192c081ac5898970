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
  const reg = renderDocument(<RegisterPage errors={[{ field: "firstName", message: "First name is required" }]} next="/x" values={{ firstName: "", lastName: "", phone: "", email: "" }} />);
  expect(reg).toContain('<a href="#firstName">First name is required</a>');
  expect(reg).toContain('href="/login?next=%2Fx"');
});

test("the phone is optional: not required, and its label says so; first and last name are", () => {
  const reg = renderDocument(<RegisterPage errors={[]} next="/" values={{ firstName: "", lastName: "", phone: "", email: "" }} />);
  const tag = (id: string) => reg.match(new RegExp(`<input[^>]* id="${id}"[^>]*>`))?.[0] ?? "";
  expect(tag("phone")).toContain('type="tel"');
  expect(tag("phone")).not.toContain("required");
  expect(tag("firstName")).toContain("required");
  expect(tag("lastName")).toContain("required");
  expect(reg).toContain('<label for="phone">Phone<span class="muted"> (optional)</span></label>');
});

test("the sign-in page links to the password reset", () => {
  expect(renderDocument(<LoginPage errors={[]} next="/" values={{ email: "" }} />)).toContain('<a href="/forgot-password">Forgot your password?</a>');
});
