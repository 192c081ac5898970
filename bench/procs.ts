/**
 * What the distributed bench reads about processes from /proc (Linux): CPU time, resident
 * memory, and the pids of the servers it does not start itself (Postgres, NATS).
 */
import { readdirSync, readFileSync } from "node:fs";

const CLK_TCK = (() => {
  const out = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe", stderr: "ignore" });
  const n = Number(out.stdout.toString().trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

const read = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process has gone
  }
};

/** user + system CPU seconds of `pid`, or null when it has exited. */
export function cpuSeconds(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  // fields after "(comm)": state ppid ... utime is field 14, stime field 15 (1-based)
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

export function ppidOf(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** Seconds the main thread of `pid` has spent runnable but waiting for a CPU (/proc/<pid>/schedstat). */
export function runqueueSeconds(pid: number): number | null {
  const f = read(`/proc/${pid}/schedstat`)?.trim().split(" ");
  return f && f.length >= 2 ? Number(f[1]) / 1e9 : null;
}

/** Share of wall time some task waited for a CPU (/proc/pressure/cpu "some" total, seconds), or null. */
export function cpuPressureSeconds(): number | null {
  const m = /some .*total=(\d+)/.exec(read("/proc/pressure/cpu") ?? "");
  return m ? Number(m[1]) / 1e6 : null;
}

/** VmRSS of `pid` in MiB, or null. */
export function rssMiB(pid: number): number | null {
  const m = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? "");
  return m ? Number(m[1]) / 1024 : null;
}

/** Pids whose command name is `comm` (and, if given, whose parent is `ppid`). */
export function pidsNamed(comm: string, ppid?: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (read(`/proc/${pid}/comm`)?.trim() !== comm) continue;
    if (ppid !== undefined && ppidOf(pid) !== ppid) continue;
    pids.push(pid);
  }
  return pids;
}

/** Busy, iowait, stolen and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; iowait: number; steal: number; total: number } {
  const line = (read("/proc/stat") ?? "").split("\n")[0] ?? "";
  // user nice system idle iowait irq softirq steal
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / CLK_TCK, iowait: (v[4] ?? 0) / CLK_TCK, steal: (v[7] ?? 0) / CLK_TCK, total: total / CLK_TCK };
}

/** Every pid on the machine. */
export function allPids(): number[] {
  return readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
}

/** "comm: args" of `pid`, shortened. */
export function describe(pid: number): string {
  const comm = read(`/proc/${pid}/comm`)?.trim() ?? "?";
  const args = (read(`/proc/${pid}/cmdline`) ?? "").split("\0").join(" ").trim();
  return `${pid} ${comm}${args && args !== comm ? `: ${args.slice(0, 90)}` : ""}`;
}

/**
 * CPU accounting for named groups of pids. A group may be dynamic (Postgres backends come
 * and go), so a snapshot maps each pid to its CPU seconds and a delta counts new pids from 0.
 */
export type Snapshot = {
  at: number;
  groups: Map<string, Map<number, number>>;
  /** run-queue wait of each pid's main thread, seconds */
  waits: Map<string, Map<number, number>>;
  machine: ReturnType<typeof machineCpu>;
  pressure: number | null;
};

export function snapshot(groups: Map<string, () => number[]>): Snapshot {
  const out = new Map<string, Map<number, number>>();
  const waits = new Map<string, Map<number, number>>();
  for (const [name, pids] of groups) {
    const m = new Map<number, number>();
    const w = new Map<number, number>();
    for (const pid of pids()) {
      const s = cpuSeconds(pid);
      if (s !== null) m.set(pid, s);
      const q = runqueueSeconds(pid);
      if (q !== null) w.set(pid, q);
    }
    out.set(name, m);
    waits.set(name, w);
  }
  return { at: performance.now(), groups: out, waits, machine: machineCpu(), pressure: cpuPressureSeconds() };
}

export type CpuUse = {
  /** CPU used, % of one core */
  groups: Map<string, number>;
  /** main threads' time runnable but not running, % of wall time (summed over a group's processes) */
  runqueue: Map<string, number>;
  machineBusy: number; iowait: number; steal: number; cores: number;
  /** % of wall time at least one task waited for a CPU (PSI), or NaN */
  pressure: number;
};

/**
 * Per group: CPU used between two snapshots as % of one core; plus the machine's busy, iowait
 * and steal %. The group named `rest` gets whatever the machine spent beyond the other groups
 * (processes that started and exited between the snapshots are seen by no pid scan).
 */
export function cpuBetween(a: Snapshot, b: Snapshot, rest = "other"): CpuUse {
  const wall = (b.at - a.at) / 1000;
  const delta = (x: Map<string, Map<number, number>>, y: Map<string, Map<number, number>>) => {
    const out = new Map<string, number>();
    for (const [name, now] of y) {
      const before = x.get(name) ?? new Map<number, number>();
      let used = 0;
      for (const [pid, s] of now) used += s - (before.get(pid) ?? 0);
      out.set(name, (100 * used) / Math.max(wall, 1e-3));
    }
    return out;
  };
  const groups = delta(a.groups, b.groups);
  if (groups.has(rest)) {
    const known = [...groups].reduce((sum, [g, v]) => sum + (g === rest ? 0 : v), 0);
    const machine = (100 * (b.machine.busy - a.machine.busy)) / Math.max(wall, 1e-3);
    groups.set(rest, Math.max(groups.get(rest)!, machine - known));
  }
  const runqueue = delta(a.waits, b.waits);
  const pressure = a.pressure !== null && b.pressure !== null ? (100 * (b.pressure - a.pressure)) / Math.max(wall, 1e-3) : NaN;
  const totalDelta = b.machine.total - a.machine.total;
  const cores = totalDelta / Math.max(wall, 1e-3);
  const share = (k: "busy" | "iowait" | "steal") => (100 * (b.machine[k] - a.machine[k])) / Math.max(totalDelta, 1e-3);
  return { groups, runqueue, machineBusy: share("busy"), iowait: share("iowait"), steal: share("steal"), cores, pressure };
}

/** The `n` pids of `group` that used the most CPU between two snapshots: [pid, % of one core]. */
export function topPids(a: Snapshot, b: Snapshot, group: string, n: number): [number, number][] {
  const wall = (b.at - a.at) / 1000;
  const before = a.groups.get(group) ?? new Map<number, number>();
  return [...(b.groups.get(group) ?? [])].map(([pid, s]) => [pid, (100 * (s - (before.get(pid) ?? 0))) / Math.max(wall, 1e-3)] as [number, number])
    .sort((x, y) => y[1] - x[1]).slice(0, n);
}
