/** Errors the edge maps to HTTP answers. */
export class InputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
export class NotFound extends Error {}
export class Conflict extends Error {
  constructor(readonly status: string, message: string) {
    super(message);
  }
}
