/** Redirect targets taken from a request must stay on this site: no open redirect. */

/**
 * `target` when it is a path on this site ("/orders?x=1"), else `fallback`. Refuses
 * absolute URLs, protocol-relative "//host" and "/\host" (browsers read both as a host),
 * and control characters.
 */
export function localPath(target: unknown, fallback = "/"): string {
  if (typeof target !== "string" || target.length > 2000) return fallback;
  if (!target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return fallback;
  return target;
}
