/** The dead letters' filter as the API and the console read it (query string or JSON body). */
import { z } from "zod";
import { blankIsAny, printable } from "./query-fields.ts";

export const DeadLetterFilterFields = z.object({
  state: blankIsAny(z.enum(["waiting", "replayed", "discarded"])),
  consumer: blankIsAny(printable(100)),
  topic: blankIsAny(printable(200)),
  key: blankIsAny(printable(200)),
});

export const DeadLetterId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
