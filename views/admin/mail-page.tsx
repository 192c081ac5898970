/**
 * /admin/mail: the notifier's messages (in the embedded default, the mailbox itself), newest
 * first, filtered by status and channel, with the delivery SLA figures; one message with
 * its mail in a sandboxed frame, its text, and "Send again" when it failed. The figures and
 * the list are a live region: the stream sends them again, wrapped in <hx-partial>, when a
 * message is queued or its status changes.
 */
import type { ComponentChildren } from "preact";
import type { Message, MessageStatus, Rendered, SlaFigures } from "../../actors/notify/mailbox.ts";
import { MESSAGE_STATUSES, SLA_MS } from "../../actors/notify/mailbox.ts";
import type { Channel } from "../../actors/notification.ts";
import { formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import { Choice } from "./choice.tsx";

const STATUS_TONE: Record<MessageStatus, string> = { pending: "neutral", sent: "success", failed: "problem" };
export const MAIL_REGION = "mail-list";
const CHANNELS: Channel[] = ["email", "sms"];

/** The live region's content: the SLA figures, the page of messages, its pager. */
export type MailList = {
  messages: Message[];
  sla: SlaFigures[];
  older: string | null;
  newest: string | null;
};
type ListProps = MailList & { shell: Shell; status?: MessageStatus; channel?: Channel; streamUrl: string };

export function MailPage({ shell, status, channel, streamUrl, ...list }: ListProps) {
  return (
    <AdminLayout title="Mail" shell={shell} section="/admin/mail">
      <section class="card" aria-labelledby="mail-title" {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <h1 id="mail-title">Mail</h1>
        <p class="muted">
          Every email and text message the shop sends, newest first; new messages and changes of status show as they happen.
          A failed message can be sent again from its page.
        </p>
        <form method="get" action="/admin/mail" class="filters" role="search" aria-label="Filter the messages">
          <Choice label="Status" name="status" selected={status} options={MESSAGE_STATUSES.map((s) => [s, s])} />
          <Choice label="Channel" name="channel" selected={channel} options={CHANNELS.map((c) => [c, c === "sms" ? "SMS" : "email"])} />
          <button type="submit">Filter</button>
          <a href="/admin/mail">Clear</a>
        </form>
        <MailListRegion {...list} />
      </section>
    </AdminLayout>
  );
}

/** What the stream sends: the region, swapped in place. */
export function MailListUpdate(props: MailList) {
  return (
    <hx-partial hx-target={`#${MAIL_REGION}`} hx-swap="outerMorph">
      <MailListRegion {...props} />
    </hx-partial>
  );
}

/** The live region, as the page and the stream render it. */
function MailListRegion({ messages, sla, older, newest }: MailList) {
  return (
    <div id={MAIL_REGION}>
      <SlaTable sla={sla} />
      <h2>Messages</h2>
      {messages.length === 0 ? <p>No messages match.</p> : <MessageTable messages={messages} />}
      <nav aria-label="Pages" class="pager">
        {newest && <a href={newest}>Newest</a>}
        {older && <a href={older}>Older messages</a>}
      </nav>
    </div>
  );
}

function SlaTable({ sla }: { sla: SlaFigures[] }) {
  const ms = (v: number | null) => (v === null ? "–" : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);
  return (
    <>
    <h2>Queued to sent, last hour</h2>
    <div class="table-scroll">
      <table class="admin-table">
        <thead>
          <tr><th scope="col">Priority</th><th scope="col">Target</th><th scope="col">Sent</th><th scope="col">p50</th><th scope="col">p99</th><th scope="col">Missed the target</th></tr>
        </thead>
        <tbody>
          {sla.map((s) => (
            <tr>
              <td>{s.priority}</td>
              <td>under {SLA_MS[s.priority] / 60_000} min</td>
              <td>{s.sent}</td>
              <td>{ms(s.p50Ms)}</td>
              <td>{ms(s.p99Ms)}</td>
              <td>{s.missed > 0 ? <span class="badge badge-problem">{s.missed}</span> : 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    </>
  );
}

/** Messages as a table: each linked to its page, with recipient, channel, status, times, attempts and last error. */
export function MessageTable({ messages }: { messages: Message[] }) {
  return (
    <div class="table-scroll">
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Message</th><th scope="col">To</th><th scope="col">Channel</th><th scope="col">Status</th>
            <th scope="col">Queued (UTC)</th><th scope="col">Sent (UTC)</th><th scope="col">Attempts</th><th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr id={`message-${m.id}`}>
              <td><a href={`/admin/mail/${m.id}`}>{m.template}</a> <span class="muted">#{m.id}</span></td>
              <td>{m.recipient}</td>
              <td>{m.channel === "sms" ? "SMS" : "email"}</td>
              <td><span class={`badge badge-${STATUS_TONE[m.status]}`}>{m.status}</span></td>
              <td><Time at={m.createdAt} /></td>
              <td>{m.sentAt ? <Time at={m.sentAt} /> : <span class="muted">not yet</span>}</td>
              <td>{m.attempts}</td>
              <td class="reason">{m.lastError || <span class="muted">none</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One message: its facts, the HTML in a sandboxed frame (no scripts, no same origin; its own strict CSP), the text part. */
export function MessagePage({ shell, message: m, resent }: { shell: Shell; message: Rendered; resent?: boolean }) {
  return (
    <AdminLayout title={`Message ${m.id}`} shell={shell} section="/admin/mail">
      <p><a href="/admin/mail">← All mail</a></p>
      <section class="card" aria-labelledby="message-title">
        <h1 id="message-title">{m.title} <span class={`badge badge-${STATUS_TONE[m.status]}`}>{m.status}</span></h1>
        {resent && <p class="notice" role="status">Queued again: it goes out within a few seconds.</p>}
        <dl class="facts">
          <Fact name="To">{m.recipient} ({m.channel === "sms" ? "SMS" : "email"})</Fact>
          <Fact name="Template">{m.template} · {m.priority} priority</Fact>
          <Fact name="About"><span class="order-id">{m.subject}</span></Fact>
          <Fact name="Queued"><Time at={m.createdAt} /></Fact>
          <Fact name="Sent">{m.sentAt ? <Time at={m.sentAt} /> : "not yet"}</Fact>
          <Fact name="Attempts">{m.attempts}</Fact>
          {m.lastError && <Fact name="Last error">{m.lastError}</Fact>}
        </dl>
        {m.status === "failed" && (
          <form method="post" action={`/admin/mail/${m.id}/resend`}>
            <button type="submit">Send again</button>
          </form>
        )}
        {m.channel === "email" && (
          <>
            <h2>As it looks</h2>
            <iframe class="mail-preview" title={`The email "${m.title}"`} sandbox="" src={`/admin/mail/${m.id}/preview`} />
          </>
        )}
        <h2>Text</h2>
        <pre class="code">{m.text}</pre>
      </section>
    </AdminLayout>
  );
}

function Fact({ name, children }: { name: string; children: ComponentChildren }) {
  return <><dt>{name}</dt><dd>{children}</dd></>;
}

const Time = ({ at }: { at: Date }) => <time dateTime={at.toISOString()}>{formatTime(at.toISOString())}</time>;
