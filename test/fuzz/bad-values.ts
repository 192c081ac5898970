/**
 * The bad values the fuzzer puts in a request, by where they go. Text for bodies is a JS
 * string; what goes on the wire raw (targets, headers) is a byte string, one char per
 * byte (latin1), so invalid UTF-8 and control bytes reach the server as they are.
 */

/** Field text no field of the shop accepts: control characters, lone surrogates. */
export const BAD_TEXT = [
  "a\u0000b", "\u0007", "x\u001b[31my", "line\nbreak", "tab\there", "\u007f", "\r\n", "\ud800", "a\udfffb",
];

/** Longer than any limited field allows (free-form fields such as `next` fall back instead). */
export const LONG_TEXT = "x".repeat(5000);

/** JSON values of the wrong type for every field of the shop's bodies. */
export const WRONG_TYPES: unknown[] = [
  null, 123456789, true, [], {}, [1, 2], { $gt: "" }, -1, 1.5, "1", 1e300, "", [["nested"]],
];

/** Percent-encoded or raw pieces of a URL that cannot be read: broken escapes, invalid UTF-8, control characters. */
export const BAD_URL_PIECES = [
  "%00", "a%0Ab", "%7F", "%1B%5B31m", "%0D%0Aset-cookie:x=1", // control characters, encoded
  "%", "%G1", "%e", "abc%2", "%%", "%u0041", // broken escapes
  "%FF", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%E2%82", // invalid UTF-8, encoded
  "\xff\xfe", "\xc3(", "caf\xe9", // invalid UTF-8, raw bytes
];

/** Values of the wrong kind for query parameters that have one (numbers, dates, choices). */
export const WRONG_QUERY_VALUES = [
  "abc", "-1", "0", "1e400", "99999999999999999999", "1.5", "NaN", "Infinity", "0x10", "2026-13-45",
  "99999-01-01", "-001000-01-01", "not-a-date", "null", "[]", "%22%22", "x".repeat(3000),
];

/** Query parameters whose values are free text: a wrong kind there is still text. */
export const FREE_QUERY = new Set(["next", "q", "brand", "category"]);

/** Host headers that name no host. */
export const BAD_HOSTS = [
  "", "exa mple.com", "localhost:99999", "localhost:abc", "[::1", "a/b", "user@host", "h\xff\xfe", "x".repeat(10_000),
  "localhost:3000, evil.example", "%00", "localhost:-1", "[zz::1]", "..", "host\\name", "a]b",
];

export const BAD_CONTENT_TYPES = [
  "application/json; charset=utf-16", "application/jsonx", "text/plain", "multipart/form-data",
  "multipart/form-data; boundary=", "\xff\xfe", "", "application/x-www-form-urlencoded; charset=shift_jis", "*/*",
];

export const BAD_AUTH = [
  "Bearer ", "Bearer \xff\xfe", "Bearer a.b.c", "Basic Zm9vOmJhcg==", `Bearer ${"x".repeat(10_000)}`,
  // alg none, role admin
  "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.", "Bearer%20x",
];

export const BAD_COOKIES = [
  "session=\xff\xfe", "session=%ZZ", "cart=%00", "cart=not-a-uuid", "currency=%E0%A4", "refresh=garbage",
  "=;;;=", `session=${"a".repeat(10_000)}`, "currency=EUR\xff", "cart=00000000-0000-4000-8000-000000000000%00",
];

export const BAD_IDEMPOTENCY_KEYS = ["", " ", "\xff\xfe", "k\x01y", "x".repeat(300), "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87", "a b c"];

export const BAD_CORRELATION_IDS = ["\xff\xfe", "x".repeat(5000), "a b", "id\x01", ""];

export const BAD_LAST_EVENT_IDS = ["\xff", "-1", "99999999999999999999", "1e9", "x".repeat(5000)];

/** Where an unsafe request says it comes from, other than this site. */
export const BAD_ORIGINS: [string, string][] = [
  ["origin", "null"], ["origin", "http://evil.example"], ["origin", "\xff"], ["sec-fetch-site", "cross-site"], ["sec-fetch-site", "\xff"],
];

/** Raw header lines a parser must refuse or a server ignore. */
export const BAD_HEADER_LINES = [
  "X-Fuzz: a\x01b", "Bad Name: x", "X\xff: y", "X-Fuzz:\x00", `X-Big: ${"h".repeat(100_000)}`, ": empty-name", "NoColon",
  "X-Fuzz: \xff\xfe\xfd",
];

export const BAD_METHODS = ["FOO", "get", "G\xffT", "GET\x00", "M".repeat(1000), "CONNECT", "TRACE", "PRI", "", "P OST"];

/** HTTP versions no request here may use (HTTP/1.0 is fine and left out: it would be a good request). */
export const BAD_VERSIONS = ["HTTP/2.0", "HTTP/9.9", "HTTP/1.1x", "HTTP/1", "HTTP/1.1 extra", "", "http/1.1", "HTTP/01.1"];

/** Request targets that are not a path on this site, or cannot be read. */
export const BAD_TARGETS = [
  "*", "healthz", "/a b", "/#frag", "/\x00", "//evil.example/", "/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/", `/x?${"a".repeat(100_000)}`,
  `/${"seg/".repeat(5000)}`, "/\xff\xfe",
];
