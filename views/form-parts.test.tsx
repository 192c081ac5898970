import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { ErrorSummary, Field } from "./form-parts.tsx";

test("a field with an error is tied to its hint and its message", () => {
  const html = render(<Field id="f-city" name="city" label="City" autocomplete="address-level2" value="Oslo" error="Too far" hint="Where we deliver" />);
  expect(html).toContain('<label for="f-city">City</label>');
  expect(html).toMatch(/<input id="f-city" name="city" type="text"[^>]*value="Oslo" aria-invalid="true" aria-describedby="f-city-hint f-city-error"/);
  expect(html).toContain('<p id="f-city-error" class="field-error"><span class="visually-hidden">Error: </span>Too far</p>');
});

test("a password is never echoed back", () => {
  const html = render(<Field id="password" type="password" label="Password" autocomplete="current-password" value="secret123" />);
  expect(html).not.toContain("secret123");
});

test("the summary links each field's problem to its input and lists the form's own", () => {
  const html = render(<ErrorSummary errors={[{ field: "city", message: "Too far" }, { message: "Try later" }]} idOf={(f) => `f-${f}`} />);
  expect(html).toContain('<a href="#f-city">Too far</a>');
  expect(html).toContain("<li>Try later</li>");
  expect(render(<ErrorSummary errors={[]} />)).toBe("");
});
