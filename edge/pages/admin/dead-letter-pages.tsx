/**
 *   GET  /admin/dead-letters?state=&consumer=&topic=&key=&before=   the list, 50 per page, live
 *   GET  /admin/dead-letters/stream?<the same filter>                 SSE: the list again on every change
 *   GET  /admin/dead-letters/:id                                      one letter: headers, payload, actions
 *   POST /admin/dead-letters/:id/replay | /:id/discard                reason (discard: confirm=yes) -> 303 back
 *   POST /admin/dead-letters/replay-selected | /discard-selected       every waiting letter of the filter -> 303 to the list
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import { subjects } from "../../../actors/contracts/subjects.ts";
import { InputError } from "../../../actors/contracts/errors.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { DeadLetterPage, DeadLettersPage, LetterListUpdate, type LetterFilter } from "../../../views/admin/dead-letters-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { auditedBulkLetters, auditedLetterAction, type AdminActionDeps, type LetterAction } from "../../http/admin-actions.ts";
import { DeadLetterFilterFields, DeadLetterId } from "../../http/dead-letter-params.ts";
import { formBody } from "../../http/form.ts";
import { refreshStream } from "../../http/refresh-stream.ts";
import { blankIsAny } from "../../http/query-fields.ts";
import { query } from "../../http/validate.ts";

const PAGE_SIZE = 50;

const ListParams = DeadLetterFilterFields.extend({
  // the list opens on every state; "all" is the filter form's way of saying so
  state: blankIsAny(z.enum(["waiting", "replayed", "discarded", "all"])),
  before: blankIsAny(z.coerce.number().int().positive()),
  done: blankIsAny(z.enum(["replay", "discard"])),
  settled: blankIsAny(z.coerce.number().int().min(0)),
  refused: blankIsAny(z.coerce.number().int().min(0)),
});
const Reason = z.string().trim().min(1, "give a reason for the audit log").max(500);
const SettleForm = z.object({ reason: Reason, confirm: z.string().optional() });
const BulkForm = DeadLetterFilterFields.omit({ state: true }).extend({ reason: Reason, confirm: z.string().optional() });

export type DeadLetterPageDeps = AdminActionDeps & { pubsub: PubSub };

export function deadLetterPages(deps: DeadLetterPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { deadLetters } = deps;

  app.get("/admin/dead-letters", async (c) => {
    const p = query(c, ListParams);
    const filter = filterOf(p);
    const [list, choices] = await Promise.all([listOf(filter, p.before), deadLetters.choices()]);
    const notice = p.done ? { action: p.done, done: p.settled ?? 0, refused: p.refused ?? 0 } : undefined;
    const page = (
      <DeadLettersPage shell={await c.get("shell")()} filter={filter} choices={choices} notice={notice}
        streamUrl={`/admin/dead-letters/stream${search(filter, p.before)}`} {...list} />
    );
    return c.html(renderDocument(page));
  });

  app.get("/admin/dead-letters/stream", (c) => {
    const p = query(c, ListParams);
    const filter = filterOf(p);
    // every change re-reads the page this admin is on
    return refreshStream(c, deps.pubsub, subjects.deadLetters, async () => render(<LetterListUpdate {...await listOf(filter, p.before)} />));
  });

  app.get("/admin/dead-letters/:id", async (c) => {
    const letter = await deadLetters.get(idOf(c));
    const done = c.req.query("done");
    return c.html(renderDocument(
      <DeadLetterPage shell={await c.get("shell")()} letter={letter} done={done === "replay" || done === "discard" ? done : undefined} />,
    ));
  });

  for (const action of ["replay", "discard"] as const) {
    app.post(`/admin/dead-letters/${action}-selected`, async (c) => {
      const { reason, confirm, ...filter } = BulkForm.parse(await formBody(c));
      confirmed(action, confirm);
      const ids = await deadLetters.waitingIds(filter);
      const outcome = await auditedBulkLetters(deps, c.get("user")!, ids, action, reason);
      const q = new URLSearchParams(search({ ...filter, state: "waiting" }).slice(1));
      q.set("done", action);
      q.set("settled", String(outcome.done.length));
      q.set("refused", String(outcome.refused.length));
      return c.redirect(`/admin/dead-letters?${q}`, 303);
    });

    app.post(`/admin/dead-letters/:id/${action}`, async (c) => {
      const id = idOf(c);
      const { reason, confirm } = SettleForm.parse(await formBody(c));
      confirmed(action, confirm);
      await auditedLetterAction(deps, c.get("user")!, id, action, reason);
      return c.redirect(`/admin/dead-letters/${id}?done=${action}`, 303);
    });
  }

  async function listOf(filter: LetterFilter, before?: number) {
    const { letters, next } = await deadLetters.page({ ...filter, before, limit: PAGE_SIZE });
    return {
      letters,
      older: next === null ? null : `/admin/dead-letters${search(filter, next)}`,
      newest: before === undefined ? null : `/admin/dead-letters${search(filter)}`,
    };
  }

  return app;
}

const filterOf = (p: z.infer<typeof ListParams>): LetterFilter => ({
  state: p.state === "all" ? undefined : p.state, consumer: p.consumer, topic: p.topic, key: p.key,
});

/** The filter (and cursor) as a query string, "" when empty. */
function search(f: LetterFilter, before?: number): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...f, before })) if (value !== undefined) q.set(name, String(value));
  return q.size ? `?${q}` : "";
}

function idOf(c: Context): number {
  const id = DeadLetterId.safeParse(c.req.param("id"));
  if (!id.success) throw new InputError("id", "id: must be a positive integer");
  return id.data;
}

/** A discard must be confirmed with the form's tick. */
function confirmed(action: LetterAction, confirm: string | undefined) {
  if (action === "discard" && confirm !== "yes") throw new InputError("confirm", "confirm: tick the box to discard; discarded letters are never delivered again");
}
