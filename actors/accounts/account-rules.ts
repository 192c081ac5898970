/**
 * What a valid account looks like: the email format, the password policy and the display
 * name. Pure, so the form can show every broken rule at once while `register` refuses the
 * first one; each message names its field and its rule.
 */

export const PASSWORD_MIN = 10;
/** An upper bound keeps a hashing request cheap to refuse and cheap to serve. */
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100; // the access token's `name` claim allows no more
const EMAIL_MAX = 254; // RFC 5321's path limit

export type AccountField = "email" | "password" | "name" | "firstName" | "lastName" | "phone";
export type FieldError = { field: AccountField; message: string };
/** Seed 003's profile: the shown name is "first last". */
export type Profile = { firstName: string; lastName: string; phone?: string | null };
/** A registration by one display name (older clients) or by first and last name. */
export type Registration = { email: string; password: string } & ({ name: string } | Profile);
export const PHONE_MAX = 20;
// digits with an optional leading +, spaces, dashes, dots and brackets between: what people type
const PHONE = /^\+?[0-9][0-9 ().-]{4,}[0-9]$/;

// One @, no spaces, a dot in the domain: enough to catch typos without rejecting real addresses.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The email as stored: trimmed. Uniqueness and sign-in ignore its case. */
export const normalEmail = (email: string): string => email.trim();

/** The rule `email` breaks, or null. */
export function emailProblem(email: string): string | null {
  const e = normalEmail(email);
  if (e === "") return "Email is required";
  if (e.length > EMAIL_MAX) return `Email must be at most ${EMAIL_MAX} characters`;
  if (!EMAIL.test(e)) return "Email must be an address like name@example.com";
  return null;
}

/** The rule `password` breaks, or null: 10 to 128 characters with a letter and a digit. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters`;
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return "Password must contain at least one letter and one digit";
  return null;
}

/** The rule the display name breaks, or null. */
export function nameProblem(name: string): string | null {
  const n = name.trim();
  if (n === "") return "Name is required";
  if (n.length > NAME_MAX) return `Name must be at most ${NAME_MAX} characters`;
  if (CONTROL.test(n)) return "Name must not contain control characters";
  return null;
}

/** The rule an optional phone number breaks, or null (empty means none). */
export function phoneProblem(phone: string | null | undefined): string | null {
  const p = (phone ?? "").trim();
  if (p === "") return null;
  if (p.length > PHONE_MAX || !PHONE.test(p)) return "Phone must be a number like +1 555 010 0000 (digits, spaces, + - . ( ))";
  return null;
}

// E.164: a + and the country code, then at most 15 digits in all
const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * A number text messages can go to, as E.164 ("+44 20 7946 0000" -> "+442079460000"), or the
 * rule it breaks. Spaces, dashes, dots and brackets are what people type between digits.
 */
export function smsNumber(input: string): { number: string } | { problem: string } {
  const p = input.trim();
  const digits = p.replace(/[ ().-]/g, "");
  if (p.length > PHONE_MAX + 10 || !E164.test(digits)) {
    return { problem: "Phone must be an international number starting with + and the country code, like +44 20 7946 0000" };
  }
  return { number: digits };
}

/** The profile a registration gives: one display name counts as the first name. */
export function profileOf(input: { name: string } | Profile): Required<Profile> {
  if ("firstName" in input) {
    const phone = (input.phone ?? "").trim();
    return { firstName: input.firstName.trim(), lastName: input.lastName.trim(), phone: phone === "" ? null : phone };
  }
  return { firstName: input.name.trim(), lastName: "", phone: null };
}

/** The name shown: "first last". */
export const fullName = (p: Profile): string => `${p.firstName.trim()} ${p.lastName.trim()}`.trim();

/** The rules each part of the profile breaks, in form order. */
function profileProblems(input: { name: string } | Profile): [AccountField, string | null][] {
  if (!("firstName" in input)) return [["name", nameProblem(input.name)]];
  const part = (label: string, v: string) => nameProblem(v)?.replace("Name", label) ?? null;
  const full = nameProblem(fullName(input));
  return [
    ["firstName", part("First name", input.firstName)],
    ["lastName", part("Last name", input.lastName) ?? (full && input.firstName.trim() ? full : null)],
    ["phone", phoneProblem(input.phone)],
  ];
}

/** Every rule the input breaks, in form order; empty when it is valid. */
export function registrationErrors(input: Registration): FieldError[] {
  const problems: [AccountField, string | null][] = [
    ...profileProblems(input),
    ["email", emailProblem(input.email)],
    ["password", passwordProblem(input.password)],
  ];
  return problems.flatMap(([field, message]) => (message ? [{ field, message }] : []));
}
