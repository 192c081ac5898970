// Fixes for two dependencies until their releases carry them. This runs after `npm install`,
// is idempotent, and fails loudly if the code no longer looks as expected.
//
// postgres.js 3.4.x has two ways to fail loudly when Postgres drops a connection:
// 1. It can throw from a setImmediate when a small write was queued and the server closed
//    the connection (porsager/postgres#1066, #1154, #1208): an uncatchable TypeError that
//    kills the process. Guard nextWrite and settle the pending queries with
//    CONNECTION_CLOSED (so transactions fail and are retried) instead of crashing.
// 2. A new connection fetches the array types before its first query, and nothing waits for
//    that fetch: a connection cut during it (pg_terminate_backend, a restart) rejects with
//    nobody to catch it - an unhandled rejection. The connection's own close handling
//    already fails its queries and reconnects (fetching the types again), so the rejection
//    is only dropped.
//
// kafkajs 2.2.4 keeps every broker connection in a 1 ms timer loop (tulios/kafkajs#1556,
// #1704): after each answer its request queue schedules a check for pending requests even
// when none is pending and nothing is throttled, at a negative delay that timers round to
// 1 ms, and every check schedules the next. Each connection then burns CPU for nothing
// (about a fifth of a core per actors process while idle). Schedule only when a request
// waits or a throttle is to end.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const POSTGRES = [
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

const KAFKAJS = [
  {
    mark: "/* saga-shop: no timer loop when nothing waits */",
    before: `        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      }
`,
    after: (mark) => `        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      } else if (scheduleAt <= 0) {
        return ${mark}
      }
`,
  },
];

const FILES = [
  ["postgres.js", "node_modules/postgres/src/connection.js", POSTGRES],
  ["postgres.js", "node_modules/postgres/cjs/src/connection.js", POSTGRES],
  ["kafkajs", "node_modules/kafkajs/src/network/requestQueue/index.js", KAFKAJS],
];

for (const [name, file, patches] of FILES) {
  if (!existsSync(file)) continue;
  let src = readFileSync(file, "utf8");
  for (const p of patches) {
    if (src.includes(p.mark)) continue;
    if (!src.includes(p.before)) {
      console.error(`patch-deps: ${file} changed upstream; check whether ${name} fixed it and drop this patch:\n${p.mark}`);
      process.exit(1);
    }
    src = src.replace(p.before, p.after(p.mark));
  }
  writeFileSync(file, src);
}
