/**
 * What the live orders table does with an order that just moved, decided from what the
 * admin's page shows: a pure step, so every case is a table row in its test.
 *
 *   matches, on the page                 -> its row again, in place
 *   matches, not on the page, belongs at the top of page one -> a new row at the top
 *   matches, not on the page, elsewhere  -> count it in the "N new orders" bar (rows never shift)
 *   no longer matches, on the page       -> its row again, fading (it stays until the next load)
 */
export type LiveTable = {
  /** rows in the admin's document (a faded row stays there) */
  inPage: Set<string>;
  /** of those, the ones that matched the filter when last seen */
  matching: Set<string>;
  /** new rows go to the top: the first page, newest first */
  newestFirst: boolean;
  /** the newest placed-at on the page (ISO), null when it is empty */
  newest: string | null;
  /** orders counted in the bar */
  counted: Set<string>;
};

export type LiveStep = { kind: "changed" | "leaving" | "arrived" | "counted" | "none" };

/** Apply one moved order (`placedAt` ISO; `matches` the filter now) to `t` and say what to send. */
export function liveStep(t: LiveTable, id: string, placedAt: string, matches: boolean): LiveStep {
  if (t.inPage.has(id)) {
    if (matches) {
      t.matching.add(id);
      return { kind: "changed" };
    }
    if (!t.matching.delete(id)) return { kind: "none" }; // already faded
    return { kind: "leaving" };
  }
  if (!matches) return { kind: "none" };
  if (t.newestFirst && (t.newest === null || placedAt >= t.newest)) {
    t.inPage.add(id);
    t.matching.add(id);
    t.newest = placedAt;
    return { kind: "arrived" };
  }
  if (t.counted.has(id)) return { kind: "none" };
  t.counted.add(id);
  return { kind: "counted" };
}

/** The table as a page of `ids` (newest first when `newestFirst`) shows it. */
export function liveTable(rows: { id: string; placedAt: string }[], newestFirst: boolean): LiveTable {
  const ids = rows.map((r) => r.id);
  const newest = rows.reduce<string | null>((max, r) => (max === null || r.placedAt > max ? r.placedAt : max), null);
  return { inPage: new Set(ids), matching: new Set(ids), newestFirst, newest, counted: new Set() };
}
