/** Errors the edge maps to HTTP answers. */
import type { OrderStatus } from "./payloads.ts";

export class InputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
export class NotFound extends Error {}

/** Refused by the current state of what the request acts on (409). */
export abstract class Conflict extends Error {}

/** A command the order's current status does not allow; the answer names that status. */
export class OrderConflict extends Conflict {
  constructor(readonly status: OrderStatus, message: string) {
    super(message);
  }
}

/** A refusal outside the order, named by a code of its own area. */
export abstract class CodedConflict<C extends string> extends Conflict {
  constructor(readonly code: C, message: string) {
    super(message);
  }
}
/** The cart refuses: the per-product limit, more than is in stock, or checking out nothing. */
export class CartConflict extends CodedConflict<"LIMIT" | "OUT_OF_STOCK" | "EMPTY" | "NOT_SOLD"> {}
/** The email address already belongs to an account. */
export class AccountConflict extends CodedConflict<"EMAIL_TAKEN" | "LAST_ADMIN"> {}
/** A parked message that still breaks its contract cannot be replayed. */
export class DeadLetterConflict extends CodedConflict<"UNREPLAYABLE"> {}
/** A stock adjustment would leave fewer units on hand than are reserved. */
export class StockConflict extends CodedConflict<"RESERVED"> {}
/** An alert already acknowledged or resolved cannot be acknowledged. */
export class AlertConflict extends CodedConflict<"NOT_OPEN"> {}
/** The catalog refuses: a SKU or category already taken, a category still in use, nesting too deep, an archived product. */
export class CatalogConflict extends CodedConflict<"SKU_TAKEN" | "NAME_TAKEN" | "SLUG_TAKEN" | "IN_USE" | "NESTING" | "ARCHIVED"> {}
/** Only a message that failed can be sent again. */
export class MessageConflict extends CodedConflict<"NOT_FAILED"> {}
