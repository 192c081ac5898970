/**
 * The admin order page's messages: every message the notifier queued about the order, to
 * whom, on which channel, its status and attempts, each linked to its /admin/mail page.
 * A live region: the order page's stream sends it again when one of them changes.
 */
import type { Message } from "../../actors/notify/mailbox.ts";
import { MessageTable } from "./mail-page.tsx";

export const MESSAGES_REGION = "admin-order-messages";

export function OrderMessagesRegion({ messages }: { messages: Message[] }) {
  return (
    <section id={MESSAGES_REGION} class="card" aria-labelledby="messages-title">
      <h2 id="messages-title">Messages</h2>
      {messages.length === 0 ? <p class="muted">No message about this order yet.</p> : <MessageTable messages={messages} />}
    </section>
  );
}
