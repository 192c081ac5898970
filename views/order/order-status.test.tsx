import { describe, expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { ORDER_STATUSES } from "../../actors/contracts/index.ts";
import { StatusBadge, STATUS_TEXT } from "./order-status.tsx";

describe("StatusBadge", () => {
  test("every status has its own customer words, never the raw code", () => {
    const labels = ORDER_STATUSES.map((s) => STATUS_TEXT[s].label);
    expect(new Set(labels).size).toBe(ORDER_STATUSES.length);
    for (const status of ORDER_STATUSES) {
      const html = render(<StatusBadge status={status} />);
      expect(html).toContain(`>${STATUS_TEXT[status].label}</span>`);
      expect(html).not.toContain(`>${status}<`);
    }
  });

  test.each([
    ["PAYMENT_FAILED", "Payment declined", "problem"],
    ["REFUND_PENDING", "Refund in progress", "progress"],
    ["DELIVERED", "Delivered", "success"],
    ["CANCELLED", "Cancelled", "neutral"],
  ] as const)("%s reads %s", (status, label, tone) => {
    expect(render(<StatusBadge status={status} />)).toBe(
      `<span class="badge badge-${tone}" data-status="${status}">${label}</span>`,
    );
  });
});
