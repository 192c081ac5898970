/**
 * compose.yaml cannot run here (no Docker engine), so it is checked against the code: the
 * env vars the sources read, the topics and partition default the modules export, the
 * imports the image must hold, and the ports each image listens on.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { TOPICS } from "../actors/contracts/envelope.ts";
import { defaults } from "../actors/system/config.ts";
import { parseRoles, processConfigFromEnv } from "../actors/system/config.ts";

const root = join(import.meta.dir, "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

type Service = {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  ports?: (string | number)[];
  volumes?: string[];
  restart?: string;
};
const compose = Bun.YAML.parse(read("compose.yaml")) as { services: Record<string, Service> };
const services = compose.services;
const names = Object.keys(services);

// ---- what the code reads -------------------------------------------------------------

/** Non-test sources of the shop (tests and their kits set variables, they don't configure the shop). */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && name !== "test-kit.ts" ? [path] : [];
  });
}
// process.env.X, Bun.env.X, and env.X / env["X"] where a config reader takes `env` as a parameter
const ENV_READ = /\b(?:process\.env|Bun\.env|env)(?:\.([A-Z][A-Z0-9_]*)|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g;
const readByCode = new Set(
  ["actors", "edge", "db", "views"].flatMap(sources)
    .flatMap((file) => [...read(file).matchAll(ENV_READ)].map((m) => m[1] ?? m[2] ?? "")),
);

/** Read by the code, but deliberately left to the code's default in compose. */
const LEFT_TO_DEFAULT: Record<string, string> = {
  ROLES: "each service names its role with --role in its command (checked below)",
  DATA_DIR: "PGlite's directory: unused with DATABASE_URL, and JWT_SECRET is set, so no secret file is written",
  LANES: "group-commit lanes per consumer; the default 2 keeps a slow provider call from stalling every partition",
  KAFKA_SESSION_TIMEOUT_MS: "6 s, Kafka's floor: a member that died without leaving is noticed soonest",
  LINGER_MS: "the default 5 ms batching suits the relay and the consumers alike",
  PG_POOL_SIZE: "postgres.js pool per process: the default in db/client.ts; max_connections is sized for it (checked below)",
  MAX_OUTBOX_AGE_MS: "commands answer 503 while the oldest unpublished event is older: the default fits a relay on the same network",
  COMMANDS_IN_FLIGHT: "commands an edge serves at once before they queue: the default suits an edge beside its database",
  COMMAND_QUEUE_MS: "how long a command waits for a turn before its 503",
  COMMAND_DEADLINE_MS: "an edge's answer to a command that takes longer is a 503, well before a client's usual 20-30 s timeout",
  SHED_ORDERS_LATE_MS: "new orders are shed while the ones in work are this late: the default keeps accepted orders near a second",
  // business timings: one default in the image, so every actors instance decides alike
  HANDLING_TIME_MS: "the shop's cancel window before shipping",
  RESERVATION_TTL_MS: "15 minutes, as the checkout journey specifies",
  STEP_TIMEOUT_MS: "provider call timeout",
  MAX_ATTEMPTS: "deliveries before a message is dead-lettered",
  TIMER_TICK_MS: "timer sweep; due timers wake it early anyway",
  SEED_CATALOG: "seeding an empty database is race-safe (ON CONFLICT), so every instance may try",
  METRICS_PORT: "every process serves /metrics and /readyz on it only when set; unset keeps them off the network (an edge shows /metrics to admins only)",
  PROVIDERS_URL: "the card processor and carrier; unset runs the built-in simulators in each actors process",
  // retentions: the defaults are the documented guarantees (README, "Tables that stay bounded")
  DEDUPE_WINDOW_MS: "processed marks: 7 days, longer than any redelivery the log and the relay can make",
  DEAD_LETTER_RETENTION_MS: "replayed dead letters kept 30 days",
  LOG_RETENTION_MS: "the in-database log only; unused with Kafka",
  PROVIDER_KEY_RETENTION_MS: "the built-in simulators' books; unused with PROVIDERS_URL",
  SESSION_RETENTION_MS: "ended refresh tokens kept a day",
  ALERT_RETENTION_MS: "resolved alerts kept 30 days",
  SIGN_IN_RETENTION_MS: "sign-in history kept 90 days",
  NOTIFICATION_RETENTION_MS: "sent or failed messages kept 30 days",
};
/** Needed by the edge role only. */
const EDGE_ONLY = new Set(["PORT"]);
/** Needed by the actors role only: the notifier's messages go out from there. */
const ACTORS_ONLY = new Set(["SMTP_URL", "MAIL_FROM"]);
const known = readByCode;

// ---- reading compose the way compose does ---------------------------------------------

/** Compose's interpolation: ${X}, ${X:-default}, ${X-default}, ${X:?error}, ${X?error}, $$. */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (all, name?: string, colon?: string, op?: string, arg?: string) => {
    if (all === "$$") return "$";
    const value = vars[name!];
    const missing = colon ? !value : value === undefined;
    if (op === "?" && missing) throw new Error(`${name} is required: ${arg}`);
    return op === "-" && missing ? arg! : value ?? "";
  });
}
const SECRETS = { JWT_SECRET: "j".repeat(48), UPSTASH_TOKEN: "u".repeat(32), POSTGRES_PASSWORD: "p".repeat(24), ADMIN_PASSWORD: "a1".repeat(8) };

function rawEnv(s: Service): Record<string, string> {
  const e = s.environment ?? {};
  if (Array.isArray(e)) return Object.fromEntries(e.map((kv) => [kv.split("=")[0]!, kv.slice(kv.indexOf("=") + 1)]));
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v ?? "")]));
}
const envOf = (s: Service, vars: Record<string, string> = SECRETS) =>
  Object.fromEntries(Object.entries(rawEnv(s)).map(([k, v]) => [k, interpolate(v, vars)]));
const args = (v: string[] | string | undefined, vars: Record<string, string> = SECRETS) =>
  (typeof v === "string" ? v.split(/\s+/).filter(Boolean) : v ?? []).map((a) => interpolate(a, vars));
function dependsOn(s: Service): Record<string, string> {
  const d = s.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [n, "service_started"]));
  return Object.fromEntries(Object.entries(d).map(([n, v]) => [n, v?.condition ?? "service_started"]));
}
/** `--name value` or `--name=value` in an argument list. */
function flag(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i] === name ? argv[i + 1] : argv[i]!.slice(name.length + 1);
}
const probe = (s: Service) => [s.healthcheck?.test ?? []].flat().join(" ");
const imageRepo = (image = "") => image.replace(/:[^/:]+$/, "").split("/").slice(-2).join("/").replace(/^library\//, "");

// ---- the shop's services -------------------------------------------------------------

const dockerfilePath = "deploy/Dockerfile";
const appNames = names.filter((n) => services[n]!.build?.dockerfile === dockerfilePath);
const roleOf = (n: string) => parseRoles(flag(args(services[n]!.command), "--role") ?? "");
const edges = appNames.filter((n) => roleOf(n).includes("edge"));

/** Kafka listeners of a redpanda command: `name://host:port,...`. */
const listeners = (v: string | undefined) => (v ?? "").split(",").filter(Boolean).map((l) => {
  const m = /^(?:(\w+):\/\/)?([^:]+):(\d+)$/.exec(l);
  return { name: m?.[1] ?? "", host: m?.[2] ?? "", port: Number(m?.[3]) };
});
const nginxConf = read("deploy/proxy/nginx.conf").replace(/#.*$/gm, "");
const directive = (name: string) => [...nginxConf.matchAll(new RegExp(`^\\s*${name}\\s+([^;]+);`, "gm"))].map((m) => m[1]!.trim());

/** Ports of the images we know; a new image must be added here before anything can dial it. */
const IMAGE_PORTS: Record<string, (s: Service) => number[]> = {
  postgres: () => [5432],
  redis: () => [6379],
  nats: () => [4222],
  "hiett/serverless-redis-http": (s) => [Number(envOf(s).SRH_PORT ?? 80)],
  "redpandadata/redpanda": (s) => listeners(flag(args(s.command), "--kafka-addr")).map((l) => l.port),
  nginx: () => directive("listen").map(Number),
  "axllent/mailpit": () => [1025, 8025],
  // the shop: only the edge serves HTTP (actors and relay have no port yet)
  "saga-shop": (s) => (envOf(s).PORT !== undefined ? [Number(envOf(s).PORT)] : []),
};
function portsOf(name: string): number[] {
  const ports = IMAGE_PORTS[imageRepo(services[name]!.image)];
  if (!ports) throw new Error(`no known ports for ${name} (image ${services[name]!.image})`);
  return ports(services[name]!);
}

const SCHEME_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "postgres:": 5432, "postgresql:": 5432, "nats:": 4222, "redis:": 6379 };
/** host:port pairs a variable's value dials. */
function endpoints(key: string, value: string): { host: string; port: number }[] {
  // the address customers reach the shop at (the links in its messages): not one containers dial
  if (key === "PUBLIC_URL") return [];
  if (key === "KAFKA_BROKERS") {
    return value.split(",").map((b) => ({ host: b.trim().split(":")[0]!, port: Number(b.trim().split(":")[1]) }));
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  const url = new URL(value);
  return [{ host: url.hostname, port: url.port ? Number(url.port) : SCHEME_PORTS[url.protocol] ?? NaN }];
}
function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const visit = (n: string) => Object.keys(dependsOn(services[n] ?? {})).forEach((d) => seen.has(d) || (seen.add(d), visit(d)));
  visit(from);
  return seen;
}

// ---- tests ---------------------------------------------------------------------------

describe("the shop's processes", () => {
  test("edge1 and edge2 play edge, actors1 and actors2 play actors, relay plays relay, all from the Dockerfile", () => {
    const byRole: Record<string, string[]> = {};
    for (const n of appNames) for (const r of roleOf(n)) (byRole[r] ??= []).push(n);
    expect(byRole).toEqual({ edge: ["edge1", "edge2"], actors: ["actors1", "actors2"], relay: ["relay"] });
    for (const n of appNames) expect([n, roleOf(n).length]).toEqual([n, 1]);
  });

  test("every variable the code reads is set where its role needs it, or left to its default on purpose", () => {
    expect(readByCode.size).toBeGreaterThan(10); // the scan found the config readers
    for (const name of Object.keys(LEFT_TO_DEFAULT)) expect(readByCode.has(name) ? name : `not read: ${name}`).toBe(name);
    for (const n of appNames) {
      const set = new Set(Object.keys(rawEnv(services[n]!)));
      const edge = roleOf(n).includes("edge");
      const actors = roleOf(n).includes("actors");
      const needed = [...known].filter((v) => !(v in LEFT_TO_DEFAULT) && (edge || !EDGE_ONLY.has(v)) && (actors || !ACTORS_ONLY.has(v)));
      expect([n, needed.filter((v) => !set.has(v))]).toEqual([n, []]);
      if (!actors) expect([n, [...set].filter((v) => ACTORS_ONLY.has(v))]).toEqual([n, []]);
      expect([n, [...set].filter((v) => v in LEFT_TO_DEFAULT)]).toEqual([n, []]);
    }
  });

  test("every shop service's environment is a configuration the shop accepts", () => {
    for (const n of appNames) expect([n, processConfigFromEnv(envOf(services[n]!), flag(args(services[n]!.command), "--role")).system.roles]).toEqual([n, roleOf(n)]);
    const actors = appNames.filter((n) => roleOf(n).includes("actors"));
    for (const n of actors) expect(processConfigFromEnv(envOf(services[n]!)).system).toMatchObject({ smtpUrl: "smtp://mailpit:1025", mailFrom: defaults.mailFrom });
  });

  test("every variable set on a shop service is one the code reads (no typos)", () => {
    for (const n of appNames) {
      const unknown = Object.keys(rawEnv(services[n]!)).filter((v) => !known.has(v));
      expect([n, unknown]).toEqual([n, []]);
    }
  });

  test("secrets come from the environment, never from this file, and both ends share them", () => {
    const ref = (raw: string | undefined) => /^\$\{([A-Z_][A-Z0-9_]*):\?[^}]+\}$/.exec(raw ?? "")?.[1];
    for (const n of names) {
      for (const [k, raw] of Object.entries(rawEnv(services[n]!))) {
        if (/SECRET|TOKEN|PASSWORD/.test(k)) expect([n, k, ref(raw) ? "required from the environment" : raw]).toEqual([n, k, "required from the environment"]);
      }
    }
    const edge = rawEnv(services[edges[0]!]!);
    expect([ref(edge.UPSTASH_REDIS_REST_TOKEN), ref(rawEnv(services.upstash!).SRH_TOKEN)]).toEqual(["UPSTASH_TOKEN", "UPSTASH_TOKEN"]);
    const password = /^postgres:\/\/[^:]+:(\$\{[^}]+\})@/.exec(edge.DATABASE_URL ?? "")?.[1];
    expect([ref(password), ref(rawEnv(services.postgres!).POSTGRES_PASSWORD)]).toEqual(["POSTGRES_PASSWORD", "POSTGRES_PASSWORD"]);
    for (const n of appNames) expect(ref(rawEnv(services[n]!).JWT_SECRET)).toBe("JWT_SECRET");
    const { JWT_SECRET: _, ...withoutJwt } = SECRETS;
    expect(() => envOf(services[edges[0]!]!, withoutJwt)).toThrow("JWT_SECRET is required");
    expect(envOf(services[edges[0]!]!).JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
  });
});

describe("wiring", () => {
  test("every depends_on names a service whose condition it can meet, without cycles", () => {
    for (const n of names) {
      for (const [dep, condition] of Object.entries(dependsOn(services[n]!))) {
        expect([n, dep, names.includes(dep)]).toEqual([n, dep, true]);
        const target = services[dep] ?? {};
        if (condition === "service_healthy") expect([dep, probe(target) !== "" && !target.healthcheck?.disable]).toEqual([dep, true]);
        else if (condition === "service_completed_successfully") expect([dep, target.restart ?? "no"]).toEqual([dep, "no"]);
        else expect(condition).toBe("service_started");
      }
      expect([n, reachable(n).has(n)]).toEqual([n, false]);
    }
  });

  test("every URL names a service, on a port that service listens on, started before its user", () => {
    let checked = 0;
    for (const n of names) {
      for (const [k, v] of Object.entries(envOf(services[n]!))) {
        for (const { host, port } of endpoints(k, v)) {
          checked++;
          expect([n, k, names.includes(host)]).toEqual([n, k, true]);
          expect([n, k, portsOf(host)]).toEqual([n, k, expect.arrayContaining([port])]);
          expect([n, k, reachable(n).has(host)]).toEqual([n, k, true]);
        }
      }
    }
    // DATABASE_URL, KAFKA_BROKERS, NATS_URL and the Upstash URL on 5 services, the redis URL on 1, SMTP_URL on the actors
    const actors = appNames.filter((n) => roleOf(n).includes("actors"));
    expect(checked).toBe(appNames.length * 4 + 1 + actors.length);
    for (const n of actors) expect([n, endpoints("SMTP_URL", envOf(services[n]!).SMTP_URL ?? "")]).toEqual([n, [{ host: "mailpit", port: 1025 }]]);
    for (const key of ["DATABASE_URL", "KAFKA_BROKERS", "NATS_URL", "UPSTASH_REDIS_REST_URL"]) {
      for (const n of appNames) expect([n, key, endpoints(key, envOf(services[n]!)[key] ?? "").length]).toEqual([n, key, 1]);
    }
  });

  test("redpanda advertises each listener at its service name and port, where containers dial it", () => {
    const cmd = args(services.redpanda!.command);
    const bound = listeners(flag(cmd, "--kafka-addr"));
    const advertised = listeners(flag(cmd, "--advertise-kafka-addr"));
    expect(bound.length).toBeGreaterThan(0);
    for (const l of bound) expect(advertised).toContainEqual({ name: l.name, host: "redpanda", port: l.port });
  });

  test("the DATABASE_URL user and database are postgres's, and postgres takes every pool", () => {
    const url = new URL(envOf(services[appNames[0]!]!).DATABASE_URL!);
    const pg = envOf(services.postgres!);
    expect([url.username, decodeURIComponent(url.password), url.pathname]).toEqual([pg.POSTGRES_USER!, pg.POSTGRES_PASSWORD!, `/${pg.POSTGRES_DB}`]);
    const poolDefault = Number(/poolSize = (\d+)/.exec(read("db/client.ts"))?.[1]);
    expect(poolDefault).toBeGreaterThan(0);
    const pools = appNames.map((n) => Number(envOf(services[n]!).PG_POOL_SIZE ?? poolDefault));
    const max = Number(/max_connections=(\d+)/.exec(args(services.postgres!.command).join(" "))?.[1] ?? 100);
    // a pool per process, one LISTEN connection each, 3 slots reserved for superusers
    expect(pools.reduce((sum, pool) => sum + pool + 1, 3)).toBeLessThanOrEqual(max);
  });

  test("postgres, redpanda and the edges have healthchecks; an edge's probes /healthz on its PORT", () => {
    expect(probe(services.postgres!)).toContain("pg_isready");
    expect(probe(services.redpanda!)).toContain("rpk cluster health");
    expect(sources("edge").some((f) => read(f).includes(`.get("/healthz"`))).toBe(true);
    expect(edges.length).toBeGreaterThan(0);
    for (const n of edges) expect(probe(services[n]!)).toContain(`:${envOf(services[n]!).PORT}/healthz`);
  });

  test("only the proxy publishes a port: 3000; and the mail catcher its web UI, to this machine only", () => {
    const published = names.flatMap((n) => (services[n]!.ports ?? []).map((p) => `${n} ${p}`));
    expect(published).toEqual(["mailpit 127.0.0.1:8025:8025", "proxy 3000:3000"]);
  });
});

describe("proxy", () => {
  test("nginx balances every edge on its PORT, listens where compose publishes, and streams SSE unbuffered", () => {
    const proxy = services.proxy!;
    const mount = (proxy.volumes ?? []).map((v) => v.split(":")).find(([, target]) => target === "/etc/nginx/nginx.conf");
    expect(mount?.[0]).toBe("./deploy/proxy/nginx.conf");
    expect(existsSync(join(root, mount![0]!))).toBe(true);
    expect(imageRepo(proxy.image)).toBe("nginx");

    const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(nginxConf);
    const servers = [...(upstream?.[2] ?? "").matchAll(/^\s*server\s+([^\s;]+)/gm)].map((m) => m[1]).sort();
    expect(servers).toEqual(edges.map((n) => `${n}:${envOf(services[n]!).PORT}`).sort());
    expect(servers).toEqual(["edge1:3000", "edge2:3000"]);
    expect(directive("proxy_pass")).toEqual([`http://${upstream?.[1]}`]);
    expect(proxy.ports).toEqual([`3000:${directive("listen")[0]}`]);
    for (const n of edges) expect([n, dependsOn(proxy)[n]]).toEqual([n, "service_healthy"]);

    expect(directive("proxy_buffering")).toEqual(["off"]);
    expect(directive("proxy_http_version")).toEqual(["1.1"]);
    const seconds = (t = "") => Number.parseInt(t) * ({ s: 1, m: 60, h: 3600, d: 86400 }[t.replace(/^\d+/, "")] ?? 1);
    expect(seconds(directive("proxy_read_timeout")[0])).toBeGreaterThanOrEqual(600);
  });
});

describe("image", () => {
  const dockerfile = read(dockerfilePath).replace(/^#.*$/gm, "");
  const instructions = dockerfile.split("\n").map((l) => l.trim()).filter(Boolean);
  const copied = instructions.filter((l) => /^COPY\s/.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1, -1).filter((a) => !a.startsWith("--")))
    .map((p) => p.replace(/^\.\//, "").replace(/\/$/, ""));
  const cmd = JSON.parse(/^CMD\s+(\[.*\])$/m.exec(dockerfile)?.[1] ?? "[]") as string[];

  /** Files reachable from the entry by relative imports and `new URL("...", import.meta.url)`, and the packages they import. */
  function imports(entry: string) {
    const files = new Set<string>();
    const packages = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (files.has(file)) continue;
      files.add(file);
      if (!/\.tsx?$/.test(file)) continue;
      const text = read(file);
      const specs = [
        ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^;]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!),
        ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!),
        ...[...text.matchAll(/require\.resolve\(\s*["']([^"']+)["']/g)].map((m) => m[1]!),
        ...[...text.matchAll(/new URL\(\s*["'](\.[^"']+)["']\s*,\s*import\.meta\.url/g)].map((m) => m[1]!),
      ];
      for (const spec of specs) {
        if (spec.startsWith(".")) queue.push(normalize(join(dirname(file), spec)));
        else if (!/^(node|bun):/.test(spec) && spec !== "bun") packages.add(spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/"));
      }
    }
    return { files, packages };
  }

  test("the app services build deploy/Dockerfile and run its bun on its entry", () => {
    for (const n of appNames) {
      const s = services[n]!;
      expect(existsSync(join(root, s.build?.context ?? ".", s.build!.dockerfile!))).toBe(true);
      expect([n, args(s.command).slice(0, 2)]).toEqual([n, cmd.slice(0, 2)]);
    }
    expect(cmd).toEqual(["node_modules/.bin/bun", "edge/main.ts"]);
  });

  test("the Dockerfile copies every directory the entry reaches, the package files and tsconfig", () => {
    const { files } = imports(cmd[1]!);
    expect(files.has("views/styles.css")).toBe(true); // the walk follows runtime file reads too
    const needed = new Set([...files].map((f) => f.split("/")[0]!).filter((d) => !d.includes(".")));
    expect([...needed].sort()).toEqual(["actors", "db", "edge", "views"]);
    for (const path of [...needed, "package.json", "package-lock.json", "tsconfig.json"]) expect(copied).toContain(path);
    const install = instructions.findIndex((l) => /^RUN\s+npm ci\b/.test(l));
    expect(install).toBeGreaterThan(instructions.findIndex((l) => /^COPY\s.*package-lock\.json/.test(l)));
  });

  test("every package the app imports is a production dependency (the image runs npm ci --omit=dev)", () => {
    const { packages } = imports(cmd[1]!);
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
    const tsconfig = JSON.parse(read("tsconfig.json")) as { compilerOptions: { jsxImportSource?: string } };
    if (tsconfig.compilerOptions.jsxImportSource) packages.add(tsconfig.compilerOptions.jsxImportSource);
    expect(packages.size).toBeGreaterThan(5);
    for (const p of packages) expect([p, p in pkg.dependencies]).toEqual([p, true]);
  });
});

describe("topics", () => {
  const init = services["topics-init"]!;
  const argv = (vars: Record<string, string> = {}) => [...args(init.entrypoint, vars), ...args(init.command, vars)];

  test("topics-init creates exactly the code's topics, rerunnably, on redpanda once it is healthy", () => {
    const a = argv();
    expect(a.slice(0, 3)).toEqual(["rpk", "topic", "create"]);
    const created = a.slice(3, a.findIndex((x, i) => i > 2 && x.startsWith("-")));
    expect(created.sort()).toEqual([...TOPICS].sort());
    expect(a).toContain("--if-not-exists");
    expect(flag(a, "-r")).toBe("1");
    const brokers = flag(a, "-X")?.replace(/^brokers=/, "") ?? "";
    expect(endpoints("KAFKA_BROKERS", brokers)).toEqual(endpoints("KAFKA_BROKERS", envOf(services.relay!).KAFKA_BROKERS!));
    expect(dependsOn(init)).toEqual({ redpanda: "service_healthy" });
    for (const n of appNames) expect([n, dependsOn(services[n]!)["topics-init"]]).toEqual([n, "service_completed_successfully"]);
  });

  test("topics-init's partition count is the apps' PARTITIONS, by default and when overridden", () => {
    const cases: Record<string, string>[] = [{}, { PARTITIONS: "12" }];
    for (const vars of cases) {
      const p = flag(argv(vars), "-p");
      for (const n of appNames) expect([n, envOf(services[n]!, { ...SECRETS, ...vars }).PARTITIONS]).toEqual([n, p]);
    }
    expect(flag(argv(), "-p")).toBe(String(defaults.partitions));
    expect(flag(argv({ PARTITIONS: "12" }), "-p")).toBe("12");
  });
});
