/**
 *   GET /admin/audit?admin=&action=&type=&object=&from=&to=&before=   the audit log, 50 per page
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AuditLog } from "../../../actors/ops/audit.ts";
import { AuditPage } from "../../../views/admin/audit-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { blankIsAny, day, printable } from "../../http/query-fields.ts";
import { query } from "../../http/validate.ts";

const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;


const AuditParams = z.object({
  admin: blankIsAny(printable(100)),
  action: blankIsAny(printable(100)),
  type: blankIsAny(z.enum(["order", "product", "dead-letter", "alert", "account", "category"])),
  object: blankIsAny(printable(200)),
  from: blankIsAny(day),
  to: blankIsAny(day),
  before: blankIsAny(z.coerce.number().int().positive()),
});

export function auditPages(audit: AuditLog): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/admin/audit", async (c) => {
    const p = query(c, AuditParams);
    const [{ entries, next }, choices] = await Promise.all([
      audit.list({
        adminId: p.admin, action: p.action, objectType: p.type, objectId: p.object?.trim() || undefined,
        from: p.from ? new Date(p.from) : undefined,
        to: p.to ? new Date(Date.parse(p.to) + DAY_MS) : undefined, // "to" names a whole day
        before: p.before, limit: PAGE_SIZE,
      }),
      audit.choices(),
    ]);
    const filter = new URLSearchParams(Object.entries({ admin: p.admin, action: p.action, type: p.type, object: p.object, from: p.from, to: p.to })
      .filter((kv): kv is [string, string] => kv[1] !== undefined));
    const at = (before?: number) => {
      const q = new URLSearchParams(filter);
      if (before !== undefined) q.set("before", String(before));
      return `/admin/audit${q.size ? `?${q}` : ""}`;
    };
    const page = (
      <AuditPage shell={await c.get("shell")()} entries={entries} choices={choices}
        query={{ adminId: p.admin, action: p.action, objectType: p.type, objectId: p.object, from: p.from, to: p.to }}
        older={next === null ? null : at(next)} newest={p.before === undefined ? null : at()} />
    );
    return c.html(renderDocument(page));
  });

  return app;
}
