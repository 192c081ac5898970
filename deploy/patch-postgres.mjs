// postgres.js 3.4.x has two ways to fail loudly when Postgres drops a connection. Until a
// release carries fixes, this guards both; it runs after `npm install`, is idempotent, and
// fails loudly if the code no longer looks as expected.
// 1. It can throw from a setImmediate when a small write was queued and the server closed
//    the connection (porsager/postgres#1066, #1154, #1208): an uncatchable TypeError that
//    kills the process. Guard nextWrite and settle the pending queries with
//    CONNECTION_CLOSED (so transactions fail and are retried) instead of crashing.
// 2. A new connection fetches the array types before its first query, and nothing waits for
//    that fetch: a connection cut during it (pg_terminate_backend, a restart) rejects with
//    nobody to catch it - an unhandled rejection. The connection's own close handling
//    already fails its queries and reconnects (fetching the types again), so the rejection
//    is only dropped.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const PATCHES = [
  {
    mark: "/* saga-shop: guard closed socket */",
    before: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    after: (mark) => `  function nextWrite(fn) {
    ${mark}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`,
  },
  {
    mark: "/* saga-shop: array types fetch on a cut connection */",
    before: "        return fetchArrayTypes()\n",
    after: (mark) => `        return fetchArrayTypes().catch(() => { ${mark} })\n`,
  },
];

for (const file of ["node_modules/postgres/src/connection.js", "node_modules/postgres/cjs/src/connection.js"]) {
  if (!existsSync(file)) continue;
  let src = readFileSync(file, "utf8");
  for (const p of PATCHES) {
    if (src.includes(p.mark)) continue;
    if (!src.includes(p.before)) {
      console.error(`patch-postgres: ${file} changed upstream; check whether postgres.js fixed it and drop this patch:\n${p.mark}`);
      process.exit(1);
    }
    src = src.replace(p.before, p.after(p.mark));
  }
  writeFileSync(file, src);
}
