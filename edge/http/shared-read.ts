/**
 * One read shared by every caller content with it: a caller asks for a result read no
 * earlier than `since`, and gets the read in flight or the last one when it started then
 * or later, or starts a new one. Fifty admins on the dashboard cost one read per change
 * (and per page load within the freshness they accept), not fifty.
 */
export function sharedRead<T>(read: () => Promise<T>): (since: number) => Promise<T> {
  let last: { started: number; value: Promise<T> } | null = null;
  return (since) => {
    if (last && last.started >= since) return last.value;
    const mine = { started: Date.now(), value: read() };
    last = mine;
    // a failed read is not handed to later callers
    mine.value.catch(() => {
      if (last === mine) last = null;
    });
    return mine.value;
  };
}

/** Reads kept per key for a while, until a change the caller hears makes one stale (`forget`). */
export type RecentReads<K, T> = { get(key: K): Promise<T>; forget(key: K): void; clear(): void };

/**
 * One read per key shared by every caller within `maxAgeMs`, the least recently started
 * dropped past `maxEntries`. The read in flight is kept from its start, so `forget` also
 * drops a read that began before the change: its callers get what they asked before it,
 * later callers read again. `maxAgeMs` bounds a change nobody announced to this process.
 */
export function recentReads<K, T>(read: (key: K) => Promise<T>, opts: { maxAgeMs: number; maxEntries?: number }): RecentReads<K, T> {
  const max = opts.maxEntries ?? 10_000;
  const entries = new Map<K, { started: number; value: Promise<T> }>();
  return {
    get(key) {
      const kept = entries.get(key);
      if (kept && Date.now() - kept.started < opts.maxAgeMs) return kept.value;
      const mine = { started: Date.now(), value: read(key) };
      entries.delete(key); // re-inserted last: a Map iterates in insertion order, the oldest first
      entries.set(key, mine);
      for (const oldest of entries.keys()) {
        if (entries.size <= max) break;
        entries.delete(oldest);
      }
      mine.value.catch(() => {
        if (entries.get(key) === mine) entries.delete(key);
      });
      return mine.value;
    },
    forget: (key) => void entries.delete(key),
    clear: () => entries.clear(),
  };
}
