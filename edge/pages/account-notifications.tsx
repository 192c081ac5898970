/**
 * The account page's notification parts and their routes:
 *
 *   POST /account/notifications  {email, sms: on|off, phone} "off" turns that channel's optional messages off;
 *                                303 to /account with a notice | 422 the phone refused | 400 a channel missing
 *
 * Each box is followed by a hidden field of its name with "off": the first of a repeated
 * name wins (edge/http/form.ts), so a ticked box sends "on" and an unticked one "off", and
 * a post that says nothing about a channel is refused rather than taken as "off".
 *   GET  /account/messages?before=   the customer's messages, older pages of the account page's list
 *
 * A guest is sent to sign in. Only the signed-in customer's own messages are read.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Accounts } from "../../actors/accounts/accounts.ts";
import { CHANNEL_NAMES, type NotificationPreferences, type Preferences } from "../../actors/accounts/preferences.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import type { MessageHistory } from "../../actors/notify/history.ts";
import { AccountPage, accountViewOf } from "../../views/account/account-settings.tsx";
import {
  MessageHistoryPage, MessageHistorySection, NotificationPreferencesSection, type PreferencesField, type PreferencesInput,
} from "../../views/account/notification-settings.tsx";
import type { Problem } from "../../views/form-parts.tsx";
import { renderDocument } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { formBody } from "../http/form.ts";
import { blankIsAny } from "../http/query-fields.ts";
import { setNotice } from "../http/shell.ts";
import { query } from "../http/validate.ts";
import { fieldError } from "../http/http-errors.ts";

export type AccountNotificationDeps = {
  accounts: Pick<Accounts, "find">;
  preferences: Pick<NotificationPreferences, "get" | "set">;
  messageHistory: Pick<MessageHistory, "ofCustomer">;
};

/** How many messages the account page shows, and each older page. */
export const HISTORY_PAGE = 10;

const text = z.string().catch("");
const Choice = z.enum(["on", "off"], { message: "must be on or off" });
const PreferencesForm = z.object({ email: Choice, sms: Choice, phone: text });
const HistoryParams = z.object({ before: blankIsAny(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)) });

type Extra = { errors?: Problem<PreferencesField>[]; typed?: PreferencesInput };

/** The preferences form and the newest messages, as the account page shows them under its own sections. */
export async function notificationParts(deps: AccountNotificationDeps, userId: string, preferences: Preferences, extra: Extra = {}) {
  const history = await deps.messageHistory.ofCustomer(userId, { limit: HISTORY_PAGE });
  return (
    <>
      <NotificationPreferencesSection preferences={preferences} {...extra} />
      <MessageHistorySection messages={history.messages} older={olderPage(history.next)} />
    </>
  );
}

const olderPage = (next: number | null) => (next === null ? null : `/account/messages?before=${next}`);

export function accountNotificationPages(deps: AccountNotificationDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.post("/account/notifications", async (c) => {
    const read = PreferencesForm.safeParse(await formBody(c));
    if (!read.success) throw fieldError(read.error);
    const form = read.data;
    const user = c.get("user");
    const account = user && (await deps.accounts.find(user.sub));
    if (!account) return c.redirect(`/login?next=${encodeURIComponent("/account")}`, 303);
    const muted = CHANNEL_NAMES.filter((channel) => form[channel] !== "on");
    try {
      const saved = await deps.preferences.set(account.id, { muted, phone: form.phone });
      if (!saved) return c.redirect("/login?next=%2Faccount", 303);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      const preferences = (await deps.preferences.get(account.id)) ?? { muted, phone: null };
      const errors = [{ field: "phone" as const, message: err.message }];
      const parts = await notificationParts(deps, account.id, preferences, { errors, typed: { phone: form.phone, muted } });
      return noStore(c).html(renderDocument(<AccountPage shell={await c.get("shell")()} account={accountViewOf(account)} failed>{parts}</AccountPage>), 422);
    }
    setNotice(c, "preferences-saved");
    return c.redirect("/account#notifications", 303);
  });

  app.get("/account/messages", async (c) => {
    const { before } = query(c, HistoryParams);
    const user = c.get("user");
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    const history = await deps.messageHistory.ofCustomer(user.sub, { before, limit: HISTORY_PAGE });
    return noStore(c).html(renderDocument(
      <MessageHistoryPage shell={await c.get("shell")()} messages={history.messages} older={olderPage(history.next)}
        newest={before === undefined ? null : "/account#messages"} />,
    ));
  });

  return app;
}

/** A page no cache may keep: it shows the account. */
function noStore(c: Context) {
  c.header("Cache-Control", "no-store");
  return c;
}
