/**
 * Structured logs: one JSON object per line, `{ time, level, msg, correlationId?, ...fields }`.
 * The correlation id rides on AsyncLocalStorage, so code deep inside a saga step logs with
 * it without every function passing it along; an explicit `correlationId` field still wins
 * (a line about another order than the one in hand).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type Level = "info" | "warn" | "error";
export type Fields = Record<string, unknown>;
/** Receives each finished line (no trailing newline) and its level. */
export type LogWriter = (line: string, level: Level) => void;

const context = new AsyncLocalStorage<{ correlationId: string }>();

// Warnings and errors on stderr, as the rest of the shop already does.
const consoleWriter: LogWriter = (line, level) => (level === "info" ? console.log(line) : console.error(line));
let writer: LogWriter = consoleWriter;

/** Replace where lines go (tests, a file); returns the previous writer so it can be put back. */
export function setLogWriter(next: LogWriter): LogWriter {
  const previous = writer;
  writer = next;
  return previous;
}

/** Run `fn` with `correlationId` on every line it logs, across awaits and timers, until it settles. */
export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return context.run({ correlationId }, fn);
}

/** The correlation id of the code running now, if any (to echo in a header or an envelope). */
export const currentCorrelationId = (): string | undefined => context.getStore()?.correlationId;

function write(level: Level, msg: string, fields: Fields = {}) {
  const record: Fields = { time: new Date().toISOString(), level, msg };
  const correlationId = currentCorrelationId();
  if (correlationId !== undefined) record.correlationId = correlationId;
  for (const [k, v] of Object.entries(fields)) {
    if (k !== "time" && k !== "level" && k !== "msg") record[k] = v;
  }
  let line: string;
  try {
    line = JSON.stringify(record, plain);
  } catch (err) {
    // A log call must never throw into the code that makes it (a cycle in the fields).
    line = JSON.stringify({ time: record.time, level, msg, correlationId, logError: `fields not serializable: ${err}` });
  }
  writer(line, level);
}

/** Errors keep their message, stack and cause; bigints become strings instead of throwing. */
function plain(_key: string, v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack, cause: v.cause };
  return typeof v === "bigint" ? v.toString() : v;
}

export const log = {
  info: (msg: string, fields?: Fields) => write("info", msg, fields),
  warn: (msg: string, fields?: Fields) => write("warn", msg, fields),
  error: (msg: string, fields?: Fields) => write("error", msg, fields),
};
