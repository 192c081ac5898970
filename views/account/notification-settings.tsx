/**
 * The account page's notification parts: which messages the customer may turn off per
 * channel (the notifier's rule, `optional`, said in plain words), their number for text
 * messages, and the messages the shop sent them, newest first. A plain form post.
 */
import type { Preferences } from "../../actors/accounts/preferences.ts";
import type { SentMessage } from "../../actors/notify/history.ts";
import { customerKinds, type Channel, type Template } from "../../actors/notification.ts";
import { errorOf, ErrorSummary, Field, type Problem } from "../form-parts.tsx";
import { formatTime } from "../format.ts";
import { Layout, type Shell } from "../layout.tsx";

/** What each message a customer may get is called. */
const MESSAGE_NAMES: Record<Exclude<Template["kind"], "lowStock">, string> = {
  welcome: "the welcome message", verifyEmail: "links to verify your address", passwordReset: "password reset links",
  passwordChanged: "password change notices", orderConfirmed: "order confirmations", paymentReceipt: "payment receipts",
  paymentDeclined: "declined card notices", closedUnpaid: "orders closed unpaid",
  shipped: "shipment notices with tracking", delivered: "delivery confirmations", cancelled: "cancellations", refunded: "refunds",
};
/** The customer's messages on `channel`, the optional ones or the others, by name. */
const namesOf = (channel: Channel, isOptional: boolean) => customerKinds(channel, isOptional).map((k) => MESSAGE_NAMES[k]);
const list = (names: string[]) => (names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const CHANNEL_TEXT: Record<Channel, string> = { email: "Email", sms: "Text message" };
export type PreferencesField = "phone";

/** What was typed in the form, shown again when it was refused. */
export type PreferencesInput = { phone: string; muted: Channel[] };

type PreferencesProps = { preferences: Preferences; errors?: Problem<PreferencesField>[]; typed?: PreferencesInput };

/** "Messages we send you": a box per channel for its optional messages, and the phone for texts. */
export function NotificationPreferencesSection({ preferences, errors = [], typed }: PreferencesProps) {
  const shown = typed ?? { phone: preferences.phone ?? "", muted: preferences.muted };
  const always = namesOf("email", false);
  return (
    <section class="card account-section" aria-labelledby="preferences-title" id="notifications">
      <h2 id="preferences-title">Messages we send you</h2>
      <p>We always email you {list(always)}: you need these for your orders and to keep your account safe.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/account/notifications" class="account-form">
        <fieldset class="choices">
          <legend>You can turn these off</legend>
          {(["email", "sms"] as const).map((channel) => (
            <>
              <label class="choice">
                <input type="checkbox" name={channel} value="on" checked={!shown.muted.includes(channel)} aria-describedby={`${channel}-optional`} />
                <span>
                  {channel === "email" ? "Optional emails" : "Text messages"}
                  <span class="hint" id={`${channel}-optional`}>{capital(list(namesOf(channel, true)))}</span>
                </span>
              </label>
              {/* sent only when the box is not ticked: the first value of a name wins */}
              <input type="hidden" name={channel} value="off" />
            </>
          ))}
        </fieldset>
        <Field id="phone" label="Mobile number for text messages" type="tel" autocomplete="tel" value={shown.phone} optional
          error={errorOf(errors, "phone")}
          hint="With + and the country code, like +44 20 7946 0000. Leave it empty to remove it: then we send no text messages." />
        <button type="submit">Save preferences</button>
      </form>
    </section>
  );
}

const STATUS_TEXT: Record<SentMessage["status"], string> = { pending: "Waiting to be sent", sent: "Sent", failed: "Could not be sent" };
const STATUS_TONE: Record<SentMessage["status"], string> = { pending: "neutral", sent: "success", failed: "problem" };

type HistoryProps = { messages: SentMessage[]; older: string | null; newest?: string | null };

/** "Messages sent to you": newest first, each with when, how, to where and whether it went. */
export function MessageHistorySection({ messages, older, newest = null }: HistoryProps) {
  return (
    <section class="card account-section" aria-labelledby="history-title" id="messages">
      <h2 id="history-title">Messages sent to you</h2>
      {messages.length === 0 ? <p class="muted">We have not sent you any messages yet.</p> : (
        <ol class="message-history">
          {messages.map((m) => (
            <li>
              <strong>{m.orderId ? <a href={`/orders/${encodeURIComponent(m.orderId)}`}>{m.title}</a> : m.title}</strong>
              <span class="muted detail">
                {CHANNEL_TEXT[m.channel]} to {m.recipient} · <time dateTime={m.createdAt.toISOString()}>{formatTime(m.createdAt.toISOString())}</time>
              </span>
              <span class={`badge badge-${STATUS_TONE[m.status]}`}>{STATUS_TEXT[m.status]}</span>
            </li>
          ))}
        </ol>
      )}
      {(older || newest) && (
        <nav aria-label="Message pages" class="pager">
          {newest && <a href={newest}>Newest messages</a>}
          {older && <a href={older}>Older messages</a>}
        </nav>
      )}
    </section>
  );
}

/** /account/messages: the history alone, one page of it. */
export function MessageHistoryPage({ shell, ...history }: HistoryProps & { shell: Shell }) {
  return (
    <Layout title="Messages sent to you" shell={shell}>
      <div class="account">
        <p><a href="/account">← Your account</a></p>
        <h1>Your account</h1>
        <MessageHistorySection {...history} />
      </div>
    </Layout>
  );
}
