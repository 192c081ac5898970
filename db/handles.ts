/**
 * The drizzle handles queries run on, typed over the shop's schema whichever driver opened
 * them. Kept apart from db/client.ts so that what only needs the type (migrations, the
 * feature modules) does not depend on the drivers.
 */
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema.ts";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything that runs queries: the database or an open transaction. */
export type Q = Db | Tx;
