/**
 *   GET  /admin/mail?status=&channel=&before=   the notifier's messages, 50 per page, with the SLA figures, live
 *   GET  /admin/mail/stream?<the same>          SSE: the figures and the page again when a message is queued or changes status
 *   GET  /admin/mail/:id                        one message: facts, HTML preview (sandboxed), text
 *   GET  /admin/mail/:id/preview                its HTML alone, for the page's sandboxed frame, under a strict CSP
 *   POST /admin/mail/:id/resend                 a failed message due again (audited) -> 303 to its page
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import { InputError } from "../../../actors/contracts/errors.ts";
import { MESSAGE_STATUSES, type Mailbox } from "../../../actors/notify/mailbox.ts";
import type { AuditLog } from "../../../actors/ops/audit.ts";
import { subjects } from "../../../actors/contracts/subjects.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { refreshStream } from "../../http/refresh-stream.ts";
import { MailListUpdate, MailPage, MessagePage, type MailList } from "../../../views/admin/mail-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { blankIsAny } from "../../http/query-fields.ts";
import { query } from "../../http/validate.ts";

const PAGE_SIZE = 50;

const ListParams = z.object({
  status: blankIsAny(z.enum(MESSAGE_STATUSES)),
  channel: blankIsAny(z.enum(["email", "sms"])),
  before: blankIsAny(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)),
});
const PageParams = z.object({ resent: blankIsAny(z.enum(["1"])) });

/** The live list follows a burst of messages at most this often. */
const LIVE_EVERY_MS = 500;

type Params = z.infer<typeof ListParams>;

export function mailPages(deps: { mailbox: Mailbox; audit: AuditLog; pubsub: PubSub }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { mailbox } = deps;

  /** The page of messages `p` asks for, its figures and pager. */
  async function listOf(p: Params): Promise<MailList> {
    const [{ messages, next }, sla] = await Promise.all([mailbox.page({ ...p, limit: PAGE_SIZE }), mailbox.sla()]);
    return { messages, sla, older: next === null ? null : `/admin/mail${search(p, next)}`, newest: p.before === undefined ? null : `/admin/mail${search(p)}` };
  }

  app.get("/admin/mail", async (c) => {
    const p = query(c, ListParams);
    return c.html(renderDocument(
      <MailPage shell={await c.get("shell")()} status={p.status} channel={p.channel} streamUrl={`/admin/mail/stream${search(p, p.before)}`} {...await listOf(p)} />,
    ));
  });

  app.get("/admin/mail/stream", (c) => {
    const p = query(c, ListParams);
    // every change re-reads the page this admin is on (a burst: one read per period)
    return refreshStream(c, deps.pubsub, subjects.mail, async () => render(<MailListUpdate {...await listOf(p)} />), { everyMs: LIVE_EVERY_MS });
  });

  app.get("/admin/mail/:id", async (c) => {
    const id = messageIdOf(c);
    const { resent } = query(c, PageParams);
    return c.html(renderDocument(<MessagePage shell={await c.get("shell")()} message={await mailbox.get(id)} resent={resent === "1"} />));
  });

  // The mail's own inline styles are allowed here only; nothing runs, loads or submits, and
  // only the console's own pages may frame it.
  app.get("/admin/mail/:id/preview", async (c) => {
    const m = await mailbox.get(messageIdOf(c));
    c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; sandbox");
    c.header("X-Frame-Options", "SAMEORIGIN");
    c.header("Cache-Control", "no-store");
    return c.html(m.html);
  });

  app.post("/admin/mail/:id/resend", async (c) => {
    const id = messageIdOf(c);
    // a message that is not there is a 404, not an audited action
    const before = await mailbox.statusOf(id);
    await deps.audit.record(c.get("user")!, { action: "message.resend", objectType: "message", objectId: String(id), fromState: before, reason: "" },
      () => mailbox.resend(id), (m) => m.status);
    return c.redirect(`/admin/mail/${id}?resent=1`, 303);
  });

  return app;
}

/** The filter (and cursor) as a query string, "" when empty. */
function search(p: Params, before?: number): string {
  const q = new URLSearchParams();
  if (p.status) q.set("status", p.status);
  if (p.channel) q.set("channel", p.channel);
  if (before !== undefined) q.set("before", String(before));
  return q.size ? `?${q}` : "";
}

/** The `:id` of a message's route: a positive integer, else a 400 naming it. */
function messageIdOf(c: Context): number {
  const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).safeParse(c.req.param("id"));
  if (!id.success) throw new InputError("id", "id: must be a positive integer");
  return id.data;
}
