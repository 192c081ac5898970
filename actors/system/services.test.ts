import { describe, expect, test } from "bun:test";
import { defaults, type Role } from "./config.ts";
import { openEngines } from "./engines.ts";
import { openServices } from "./services.ts";

/** The statements a process of `roles` sends while its services open (PGlite in memory). */
async function startStatements(roles: Role[]): Promise<string[]> {
  const seen: string[] = [];
  const e = await openEngines({ ...defaults, roles, dataDir: undefined, lanes: 1, lingerMs: 5 }, { onQuery: (q) => void seen.push(q) });
  try {
    seen.length = 0;
    await openServices({ ...defaults, roles }, e);
    return seen;
  } finally {
    await e.stopLoops();
    await e.close();
  }
}

describe("openServices", () => {
  test("an edge learns the catalog's words before it serves", async () => {
    expect((await startStatements(["edge"])).join("\n")).toContain("catalog.search_terms");
  });

  test("actors and relays start without them: they never search", async () => {
    expect((await startStatements(["actors", "relay"])).join("\n")).not.toContain("search_terms");
  });
});
