export * from "./payloads.ts";
export * from "./envelope.ts";
