/** Field rules shared by filter forms and query strings. */
import { z } from "zod";

/** An empty field of a GET form means "any": absent. */
export const blankIsAny = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** Text of at most `max` characters with no control character (they never name anything). */
export const printable = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, "must not hold control characters");

/** A calendar day, 2026-12-31. */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-12-31").refine((s) => !Number.isNaN(Date.parse(s)), "must be a real date");
