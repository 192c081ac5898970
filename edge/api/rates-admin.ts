/**
 * Exchange rates for admins, as JSON (the console's /admin/rates shares the action, audited):
 *
 *   GET /api/admin/rates         every rate with source, time and latest changes, and the rate source's state
 *   GET /api/admin/rates/:code   one currency
 *   PUT /api/admin/rates/:code   {"rate":"0.92","reason":"..."} -> the currency as now set
 */
import { Hono } from "hono";
import { z } from "zod";
import { RateValue } from "../../actors/money/rates.ts";
import { requireUser, type AuthEnv } from "../auth/auth.ts";
import { auditedSetRate, codeParam, type RateActionDeps } from "../http/rate-actions.ts";
import { jsonBody } from "../http/validate.ts";

const RateBody = z.object({ rate: RateValue, reason: z.string().trim().max(500).default("") }).strict();

export function ratesAdminApi(deps: RateActionDeps) {
  const { currencies } = deps;
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser("admin"));
  app.get("/", async (c) => c.json({ rates: await currencies.admin(), source: await currencies.sourceStatus() }));
  app.get("/:code", async (c) => c.json(await currencies.adminRate(codeParam(c.req.param("code")))));
  app.put("/:code", async (c) => {
    const code = codeParam(c.req.param("code"));
    const { rate, reason } = await jsonBody(c, RateBody);
    return c.json(await auditedSetRate(deps, c.get("user")!, code, rate, reason));
  });
  return app;
}
