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
