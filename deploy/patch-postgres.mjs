// postgres.js 3.4.x can throw from a setImmediate when a small write was queued and the
// server closed the connection (porsager/postgres#1066, #1154, #1208): an uncatchable
// TypeError that kills the process, e.g. when Postgres restarts or drops connections.
// Until a release carries the fix, guard nextWrite and settle the pending queries with
// CONNECTION_CLOSED (so transactions fail and are retried) instead of crashing.
// Runs after `npm install`; idempotent; fails loudly if the code no longer looks as expected.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const MARK = "/* saga-shop: guard closed socket */";
const BEFORE = "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)";
const AFTER = `  function nextWrite(fn) {
    ${MARK}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`;

for (const file of ["node_modules/postgres/src/connection.js", "node_modules/postgres/cjs/src/connection.js"]) {
  if (!existsSync(file)) continue;
  const src = readFileSync(file, "utf8");
  if (src.includes(MARK)) continue;
  if (!src.includes(BEFORE)) {
    console.error(`patch-postgres: ${file} changed upstream; check whether the nextWrite fix is released and drop this patch`);
    process.exit(1);
  }
  writeFileSync(file, src.replace(BEFORE, AFTER));
}
