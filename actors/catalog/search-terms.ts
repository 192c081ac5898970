/**
 * Typo tolerance for search: catalog.search_terms holds every word of the catalog, and a
 * query word that matches nothing is replaced by the most similar term (pg_trgm).
 */
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Q } from "../../db/client.ts";
import { rowsOf } from "../../db/rows.ts";

/**
 * Trigram similarity a correction needs. Typos of real words score well above it
 * ("hedphones" ~ "headphones" 0.62, "speker" ~ "speaker" 0.5; typed so far, "hedph" ~
 * "headph" 0.44), while words that share a few letters stay below ("hedphones" ~ "honest"
 * 0.31, which pg_trgm's default cut of 0.3 would take).
 */
export const MIN_SIMILARITY = 0.35;
/** Shorter words share too few trigrams with anything to judge a typo by. */
const MIN_CORRECTABLE = 3;
const MAX_WORDS = 8;
const MAX_COMPLETIONS = 30;
/** Serializes refreshes of processes that start together (any fixed number will do). */
const REFRESH_LOCK = 7_262_006;

/** The words of a query: lowercased runs of letters and digits, so they are safe in to_tsquery. */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
}

// Every word of every product as written ('simple': no stemming), for similarity to typos.
const CATALOG_WORDS = sql.raw(`SELECT word FROM ts_stat($q$SELECT to_tsvector('simple',
  name || ' ' || category || ' ' || brand || ' ' || description) FROM catalog.products$q$)
  WHERE length(word) >= 2 AND word ~ '[[:alpha:]]'`);

/** Make catalog.search_terms hold exactly the catalog's words; returns how many there are. */
export async function refreshTerms(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${REFRESH_LOCK})`);
    await tx.execute(sql`WITH words AS (${CATALOG_WORDS})
      DELETE FROM catalog.search_terms t WHERE NOT EXISTS (SELECT 1 FROM words w WHERE w.word = t.term)`);
    await tx.execute(sql`INSERT INTO catalog.search_terms (term) ${CATALOG_WORDS} ORDER BY 1 ON CONFLICT DO NOTHING`);
    const [row] = rowsOf(await tx.execute(sql`SELECT count(*)::int AS n FROM catalog.search_terms`));
    return z.coerce.number().parse(row?.n);
  });
}

const Corrected = z.object({ i: z.coerce.number(), term: z.string().nullable() });

/**
 * The words with each unknown one replaced by its closest catalog term, when one is close
 * enough. A word is known when it is a catalog term, matches a product after stemming
 * ("cameras"), or, for the last word while it is being typed, begins a term ("lapto").
 */
export async function correctWords(q: Q, words: string[], lastIsPrefix: boolean): Promise<string[]> {
  if (words.length === 0) return [];
  const last = words.length - 1;
  const input = sql.join(words.map((w, i) => sql`(${i}::int, ${w}::text, ${lastIsPrefix && i === last}::boolean)`), sql`, `);
  const rows = rowsOf(await q.execute(sql`
    SELECT w.i, best.term FROM (VALUES ${input}) AS w(i, word, prefix)
    LEFT JOIN LATERAL (
      SELECT t.term, CASE WHEN w.prefix -- a word being typed is compared with the start of each term
        THEN greatest(similarity(t.term, w.word), similarity(left(t.term, length(w.word) + 1), w.word))
        ELSE similarity(t.term, w.word) END AS score
      FROM catalog.search_terms t
      WHERE w.prefix OR t.term % w.word
      ORDER BY score DESC, t.term LIMIT 1
    ) best ON best.score >= ${MIN_SIMILARITY}
    WHERE length(w.word) >= ${MIN_CORRECTABLE}
      AND NOT EXISTS (SELECT 1 FROM catalog.search_terms k
        WHERE k.term = w.word OR (w.prefix AND k.term LIKE w.word || '%'))
      AND NOT EXISTS (SELECT 1 FROM catalog.products p WHERE p.search @@ plainto_tsquery('english', w.word))`));
  const fixed = [...words];
  for (const row of rows.map((r) => Corrected.parse(r))) {
    if (row.term) fixed[row.i] = row.term;
  }
  return fixed;
}

/**
 * Catalog words that begin with `prefix`, shortest first. Matching a prefix against stems
 * misses words whose stem is shorter than what was typed ("runn" is not a prefix of "run",
 * the stem of "running"), so the search also looks for these words whole.
 */
export async function completionsOf(q: Q, prefix: string): Promise<string[]> {
  const rows = rowsOf(await q.execute(sql`SELECT term FROM catalog.search_terms WHERE term LIKE ${prefix} || '%'
    ORDER BY length(term), term LIMIT ${MAX_COMPLETIONS}`));
  // only plain words may go into a tsquery (a term could hold a hyphen or a dot)
  return rows.map((r) => z.string().parse(r.term)).filter((t) => /^[\p{L}\p{N}]+$/u.test(t));
}
