export * from "./payloads.ts";
export * from "./envelope.ts";
export * from "./failures.ts";
export * from "./timers.ts";
