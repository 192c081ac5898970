/**
 * Test card numbers for the payment simulator (README.md): checkout turns the number a
 * customer types into the simulator's token, so the raw number never leaves this call -
 * it is not stored, logged, sent on, or echoed back into a page.
 */

/** The documented test cards, in the order the checkout page lists them. */
export const TEST_CARDS = [
  { number: "4242424242424242", token: "tok_visa", outcome: "Visa: approved" },
  { number: "5555555555554444", token: "tok_mastercard", outcome: "Mastercard: approved" },
  { number: "4000000000000002", token: "tok_decline", outcome: "declined: card declined" },
  { number: "4000000000009995", token: "tok_insufficient_funds", outcome: "declined: insufficient funds" },
  { number: "4000000000000341", token: "tok_decline_once", outcome: "declined once, approved when retried" },
  { number: "4000000000005126", token: "tok_refund_fail", outcome: "approved, but a refund fails" },
] as const;

export type CardResult =
  | { ok: true; token: string }
  | { ok: false; problem: "missing" | "malformed" | "checksum" | "unknown" };

/** Why a typed number was refused, in the customer's words (checkout, and paying again with another card). */
export const CARD_TEXT: Record<Extract<CardResult, { ok: false }>["problem"], string> = {
  missing: "Enter a card number",
  malformed: "Enter the card number as 12 to 19 digits",
  checksum: "That card number is not valid: check the digits",
  unknown: "This shop takes only the test cards listed under “Test cards”",
};

const byNumber = new Map<string, string>(TEST_CARDS.map((c) => [c.number, c.token]));

/** The simulator token for a typed card number (spaces and dashes allowed), or why there is none. */
export function cardToken(typed: string): CardResult {
  const digits = typed.replace(/[\s-]/g, "");
  if (digits === "") return { ok: false, problem: "missing" };
  if (!/^\d{12,19}$/.test(digits)) return { ok: false, problem: "malformed" };
  if (!luhn(digits)) return { ok: false, problem: "checksum" };
  const token = byNumber.get(digits);
  return token ? { ok: true, token } : { ok: false, problem: "unknown" };
}

/** The Luhn checksum every card number carries: catches a mistyped digit or swapped neighbours. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
