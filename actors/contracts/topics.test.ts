import { describe, expect, test } from "bun:test";
import { ContractError, EVENT_TYPES, parseTopic, topicOf, TOPICS, type EventType, type Topic } from "./index.ts";

describe("topics", () => {
  test("every event type is published on a known topic", () => {
    for (const type of EVENT_TYPES) expect(TOPICS).toContain(topicOf(type));
  });

  const cases: [EventType, Topic][] = [
    ["order.OrderCreated.v1", "order.events"],
    ["payment.PaymentAuthorized.v1", "payment.events"],
    ["order.TimerFired.v1", "order.commands"],
    ["ops.DeadLetter.v1", "dead-letter"],
  ];
  test.each(cases)("%s goes to %s", (type, topic) => {
    expect(topicOf(type)).toBe(topic);
  });

  test("a topic name parses to itself; any other is a contract error", () => {
    for (const t of TOPICS) expect(parseTopic(t)).toBe(t);
    expect(() => parseTopic("orders.events")).toThrow(ContractError);
  });
});
