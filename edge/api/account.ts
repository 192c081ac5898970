/**
 * The signed-in customer's notification settings and history, mounted at /api/account:
 *
 *   GET /notification-preferences  -> 200 {muted, phone, optional}; 401 when not signed in
 *   PUT /notification-preferences  {muted: ("email"|"sms")[], phone: string|null} -> 200 the same as GET;
 *                                  400 naming the field (a phone must be E.164-ish: + and the country code)
 *   GET /notifications?before=&limit=  -> 200 {messages, next}: their own messages, newest first
 *
 * `optional` says which messages each channel's mute turns off; the rest always go.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { NotificationPreferences, Preferences } from "../../actors/accounts/preferences.ts";
import type { MessageHistory, SentMessage } from "../../actors/notify/history.ts";
import { customerKinds } from "../../actors/notification.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { blankIsAny } from "../http/query-fields.ts";
import { jsonBody, query } from "../http/validate.ts";

const PreferencesBody = z.object({
  muted: z.array(z.enum(["email", "sms"])).max(2),
  phone: z.string().max(100).nullable(),
}).strict();
const HistoryParams = z.object({
  before: blankIsAny(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)),
  limit: blankIsAny(z.coerce.number().int().min(1).max(100)),
});

/** The message kinds each channel's mute turns off. */
const OPTIONAL = { email: customerKinds("email", true), sms: customerKinds("sms", true) };

const preferencesJson = (p: Preferences) => ({ muted: p.muted, phone: p.phone, optional: OPTIONAL });
const messageJson = (m: SentMessage) => ({
  id: m.id, title: m.title, channel: m.channel, recipient: m.recipient, status: m.status, orderId: m.orderId,
  createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null,
});
const signedOut = (c: Context) => c.json({ error: "authentication required" }, 401);

export type AccountApiDeps = { preferences: Pick<NotificationPreferences, "get" | "set">; messageHistory: Pick<MessageHistory, "ofCustomer"> };

export function accountApi(deps: AccountApiDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/notification-preferences", async (c) => {
    const user = c.get("user");
    const prefs = user && (await deps.preferences.get(user.sub));
    return prefs ? c.json(preferencesJson(prefs)) : signedOut(c);
  });

  app.put("/notification-preferences", async (c) => {
    const user = c.get("user");
    if (!user) return signedOut(c);
    const body = await jsonBody(c, PreferencesBody);
    const saved = await deps.preferences.set(user.sub, { muted: body.muted, phone: body.phone ?? "" });
    return saved ? c.json(preferencesJson(saved)) : signedOut(c);
  });

  app.get("/notifications", async (c) => {
    const user = c.get("user");
    if (!user) return signedOut(c);
    const { before, limit } = query(c, HistoryParams);
    const page = await deps.messageHistory.ofCustomer(user.sub, { before, limit: limit ?? 20 });
    return c.json({ messages: page.messages.map(messageJson), next: page.next });
  });

  return app;
}
