/**
 * A closed-loop HTTP load generator for the pages bench: virtual users each send one
 * request at a time over keep-alive fetch, keep their own cookies like a browser, and
 * are timed from the request to the last byte of the answer.
 */
import { pct } from "./load.ts";
import { cpuSeconds, machineCpu } from "./procs.ts";

/** One virtual user: its own cookie jar (so each guest has its own cart) and request count. */
export type Vu = { id: number; cookies: Map<string, string>; n: number };

/** What a virtual user sends next; `path` is appended to the base URL, `label` names it in errors. */
export type NextRequest = (vu: Vu) => { path: string; init?: RequestInit; label?: string };

export type LoadFigures = {
  ok: number;
  /** answers outside 2xx/3xx, and requests that got no answer */
  errors: number;
  rps: number;
  /** latency of the 2xx/3xx answers, ms (NaN when there were none) */
  p50: number;
  p99: number;
  /** CPU used while measuring, % of one core: the server process, this one, and everything else */
  serverCpu: number;
  loadCpu: number;
  otherCpu: number;
  /** error descriptions and how often each happened */
  errorKinds: Map<string, number>;
};

/** Send the jar's cookies and keep what Set-Cookie returns, as a browser would. */
async function send(vu: Vu, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (vu.cookies.size > 0) headers.set("cookie", [...vu.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
  // a 3xx is an answer (a form post redirects back); following it would time a second page
  const res = await fetch(url, { ...init, headers, redirect: "manual" });
  for (const line of res.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq > 0) vu.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return res;
}

/** Run `users` virtual users against `base` for warm-up + duration; only requests sent after the warm-up count. */
export async function runLoad(base: string, next: NextRequest, opts: { users: number; warmupS: number; durationS: number; serverPid: number }): Promise<LoadFigures> {
  const latencies: number[] = [];
  const errorKinds = new Map<string, number>();
  let ok = 0;
  let errors = 0;
  const from = performance.now() + opts.warmupS * 1000;
  const until = from + opts.durationS * 1000;
  // taken by the first request of the measured window: a timer could fire late on a busy loop
  let before: { at: number; server: number; load: number; machine: number } | null = null;
  await Promise.all(Array.from({ length: opts.users }, async (_, id) => {
    const vu: Vu = { id, cookies: new Map(), n: 0 };
    while (performance.now() < until) {
      const { path, init, label } = next(vu);
      vu.n++;
      const t0 = performance.now();
      if (t0 >= from && !before) {
        before = { at: t0, server: cpuSeconds(opts.serverPid) ?? 0, load: cpuSeconds(process.pid) ?? 0, machine: machineCpu().busy };
      }
      let status = 0;
      let why = "";
      try {
        const res = await send(vu, base + path, init);
        await res.arrayBuffer(); // a page is served when its last byte is in
        status = res.status;
        why = `HTTP ${status} ${init?.method ?? "GET"} ${label ?? path}`;
      } catch (err) {
        why = `no answer: ${err instanceof Error ? err.message : err}`;
      }
      const t1 = performance.now();
      if (t0 < from) continue;
      if (status >= 200 && status < 400) {
        ok++;
        latencies.push(t1 - t0);
      } else {
        errors++;
        errorKinds.set(why, (errorKinds.get(why) ?? 0) + 1);
      }
    }
  }));
  const start = before ?? { at: from, server: 0, load: 0, machine: machineCpu().busy };
  const wall = Math.max((performance.now() - start.at) / 1000, 1e-3);
  const cpu = (pid: number, was: number) => (100 * ((cpuSeconds(pid) ?? was) - was)) / wall;
  const serverCpu = cpu(opts.serverPid, start.server);
  const loadCpu = cpu(process.pid, start.load);
  // other processes on the machine (another test run, say) take cores from both sides
  const otherCpu = Math.max(0, (100 * (machineCpu().busy - start.machine)) / wall - serverCpu - loadCpu);
  latencies.sort((a, b) => a - b);
  return { ok, errors, rps: (ok + errors) / wall, p50: pct(latencies, 50), p99: pct(latencies, 99), serverCpu, loadCpu, otherCpu, errorKinds };
}
