/**
 * Rejects with "`what` timed out after `ms` ms" unless `work` settles first. The work
 * itself is not cancelled (a probe or query has no handle for that); the timer is always
 * cleared, so a fast answer leaves nothing pending.
 */
export function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
