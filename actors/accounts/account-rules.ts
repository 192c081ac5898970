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

export type AccountField = "email" | "password" | "name";
export type FieldError = { field: AccountField; message: string };
export type Registration = { email: string; password: string; name: string };

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

/** Every rule the input breaks, in form order; empty when it is valid. */
export function registrationErrors(input: Registration): FieldError[] {
  const problems: [AccountField, string | null][] = [
    ["name", nameProblem(input.name)],
    ["email", emailProblem(input.email)],
    ["password", passwordProblem(input.password)],
  ];
  return problems.flatMap(([field, message]) => (message ? [{ field, message }] : []));
}
