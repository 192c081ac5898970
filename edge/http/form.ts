/**
 * Form bodies for the pages' routers: urlencoded or multipart, every field text. A body that
 * does not parse is a 400 "unreadable request"; a field that is a file, or whose text holds
 * control characters, broken %-escapes or bytes that are not UTF-8, is a 400 naming it. No
 * form of the shop takes an upload, so a file is always a mistake.
 */
import type { Context } from "hono";
import { InputError } from "../../actors/contracts/errors.ts";
import { decodePairs, mediaType, REPLACED, textProblem } from "./readable.ts";

const URLENCODED = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

/** The form's fields as text (the first of a repeated name wins). */
export async function formBody(c: Context): Promise<Record<string, string>> {
  const { type, utf8 } = mediaType(c.req.header("content-type"));
  if (!utf8) throw new InputError("content-type", "content-type: form bodies are read as UTF-8 only");
  if (type === URLENCODED) return urlencodedFields(new Uint8Array(await c.req.arrayBuffer()));
  if (type === MULTIPART) return multipartFields(c);
  throw new InputError("content-type", `content-type must be ${URLENCODED} or ${MULTIPART}`);
}

/** A urlencoded body's fields; browsers %-encode everything, so a byte outside ASCII is an error too. */
export function urlencodedFields(body: Uint8Array): Record<string, string> {
  if (body.some((b) => b > 0x7e)) throw new InputError("body", "unreadable request: the form body has bytes that are not ASCII");
  const read = decodePairs(new TextDecoder().decode(body), "body", "form field");
  if ("problem" in read) {
    const { field, message } = read.problem;
    throw new InputError(field, field === "body" ? `unreadable request: ${message}` : message);
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of read.pairs) if (!(name in fields)) fields[name] = value;
  return fields;
}

async function multipartFields(c: Context): Promise<Record<string, string>> {
  return (await multipartParts(c, null)).fields;
}

/**
 * A multipart form with one file: its text fields (checked as formBody checks them) and the
 * bytes of the file sent as `fileField` (null when none was chosen).
 */
export async function uploadBody(c: Context, fileField: string): Promise<{ fields: Record<string, string>; file: Uint8Array | null }> {
  const { type, utf8 } = mediaType(c.req.header("content-type"));
  if (!utf8 || type !== MULTIPART) throw new InputError("content-type", `content-type must be ${MULTIPART}`);
  return multipartParts(c, fileField);
}

async function multipartParts(c: Context, fileField: string | null): Promise<{ fields: Record<string, string>; file: Uint8Array | null }> {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw new InputError("body", "unreadable request: the multipart form body does not parse");
  }
  const fields: Record<string, string> = {};
  let file: Uint8Array | null = null;
  for (const [name, value] of form) {
    const nameProblem = textProblem(name);
    if (nameProblem) throw new InputError("body", `unreadable request: the name of a form field ${nameProblem}`);
    if (name === fileField && typeof value !== "string") {
      if (file === null && value.size > 0) file = new Uint8Array(await value.arrayBuffer());
      continue;
    }
    if (typeof value !== "string") throw new InputError(name, `${name}: expected text, not a file`);
    const problem = REPLACED.test(value) ? "has bytes that are not UTF-8" : textProblem(value);
    if (problem) throw new InputError(name, `${name} ${problem}`);
    if (!(name in fields)) fields[name] = value;
  }
  return { fields, file };
}
