/**
 *   GET  /admin/rates         every currency's rate, source and time, the rate source's state, a form per currency
 *   POST /admin/rates/:code   rate, reason -> 303 back (refused: 400 page with the field named)
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { RateValue } from "../../../actors/money/rates.ts";
import type { Config } from "../../../actors/system/config.ts";
import { RatesPage, type RateFormError } from "../../../views/admin/rates-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { formBody } from "../../http/form.ts";
import { refusal } from "../../http/http-errors.ts";
import { auditedSetRate, codeParam, type RateActionDeps } from "../../http/rate-actions.ts";

const RateForm = z.object({ rate: RateValue, reason: z.string().trim().max(500, "at most 500 characters") });

export type RatePageDeps = RateActionDeps & { config: Pick<Config, "ratesUrl" | "ratesFile" | "ratesEveryMs"> };

/** What feeds the rates, in words; null when nothing does. */
function feedOf({ ratesUrl, ratesFile, ratesEveryMs }: RatePageDeps["config"]): string | null {
  const every = ratesEveryMs % 3600_000 === 0 ? `every ${ratesEveryMs / 3600_000 === 1 ? "hour" : `${ratesEveryMs / 3600_000} hours`}` : `every ${Math.round(ratesEveryMs / 1000)} s`;
  return ratesUrl ? `${new URL(ratesUrl).origin}, ${every}` : ratesFile ? `the file ${ratesFile}, ${every}` : null;
}

export function adminRatePages(deps: RatePageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { currencies } = deps;

  const page = async (c: Context<AuthEnv>, error?: RateFormError) =>
    c.html(renderDocument(
      <RatesPage shell={await c.get("shell")()} rates={await currencies.admin()} feed={feedOf(deps.config)} status={await currencies.sourceStatus()}
        notice={c.req.query("done") === "set" ? `${codeParam(c.req.query("code") ?? "")} rate set.` : undefined} error={error} />,
    ), error ? 400 : 200);

  app.get("/admin/rates", (c) => page(c));

  app.post("/admin/rates/:code", async (c) => {
    const code = codeParam(c.req.param("code"));
    const f = await formBody(c);
    const form = { rate: f.rate ?? "", reason: f.reason ?? "" };
    const parsed = RateForm.safeParse(form);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path[0] === "reason" ? "reason" : "rate";
      return page(c, { code, ...form, field, message: `${field}: ${issue.message}` });
    }
    try {
      await auditedSetRate(deps, c.get("user")!, code, parsed.data.rate, parsed.data.reason);
    } catch (err) {
      const refused = refusal(err);
      if (refused?.status !== 400) throw err;
      return page(c, { code, ...form, field: "rate", message: refused.message });
    }
    return c.redirect(`/admin/rates?done=set&code=${code}#currency-${code}`, 303);
  });
  return app;
}
