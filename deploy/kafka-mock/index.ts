import { mkdir, rename, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

/** A running librdkafka mock cluster and the faults it can inject. Broker ids are 1..brokers. */
export type KafkaMock = {
  bootstrap: string[];
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  setRtt(id: number, ms: number): Promise<void>;
  /** The next `count` requests of `api` (to any broker) fail with Kafka error `code`. */
  requestErrors(api: KafkaApi, code: number, count: number): Promise<void>;
  createTopic(name: string, partitions: number): Promise<void>;
  /**
   * Makes broker `id` the coordinator of consumer group `group`. The cluster never moves a
   * coordinator off a broker that is down (a real one elects another within seconds), so a
   * run that takes brokers down pins the coordinator to one it spares.
   */
  setCoordinator(group: string, id: number): Promise<void>;
  /** Settles when the cluster's process exits, with why (its exit code and what it printed). */
  exited: Promise<Error>;
  stop(): Promise<void>;
};

/** The request kinds whose errors the cluster can inject, by their Kafka API key. */
export const KAFKA_APIS = { produce: 0, fetch: 1, offsetCommit: 8, joinGroup: 11, heartbeat: 12, syncGroup: 14 } as const;
export type KafkaApi = keyof typeof KAFKA_APIS;

export type KafkaMockOptions = { brokers?: number; topics: { name: string; partitions: number }[] };

const SOURCE = join(import.meta.dir, "mock-cluster.c");
const CACHE = resolve(import.meta.dir, "../../node_modules/.cache/saga-shop/kafka-mock");
const INSTALL = "librdkafka-dev is not installed: apt-get install -y librdkafka-dev";
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Builds the launcher if needed, starts a cluster and resolves once it accepts connections. */
export async function startKafkaMock(opts: KafkaMockOptions): Promise<KafkaMock> {
  const brokers = opts.brokers ?? 3;
  assertInt("brokers", brokers, 1);
  for (const t of opts.topics) assertTopic(t.name, t.partitions);
  const binary = await build();

  const child = Bun.spawn([binary, String(brokers), ...opts.topics.map((t) => `${t.name}:${t.partitions}`)], {
    stdin: "pipe", stdout: "pipe", stderr: "pipe",
  });
  // Our stdin pipe closing is EOF for the launcher, so it also dies if we are SIGKILLed;
  // the exit hook covers a normal exit with the pipe still referenced.
  const killOnExit = () => child.kill();
  process.on("exit", killOnExit);
  const stderr = new Response(child.stderr).text(); // complete once the launcher exits

  const replies: { resolve(line: string): void; reject(e: Error): void }[] = [];
  const lines = readLines(child.stdout);
  const died = child.exited.then(async (code) => {
    process.off("exit", killOnExit);
    const why = (await stderr).trim();
    const hint = why.includes("librdkafka.so") ? `\n${INSTALL}` : "";
    const e = new Error(`kafka mock exited with code ${code}${why ? `: ${why}` : ""}${hint}`);
    for (const r of replies.splice(0)) r.reject(e);
    return e;
  });

  const firstLine = async () => {
    const r = await lines.next();
    return r.done ? died : r.value;
  };
  let timer: Timer | undefined;
  const first = await Promise.race([
    firstLine(),
    died,
    new Promise<Error>((ok) => {
      timer = setTimeout(() => ok(new Error(`kafka mock printed no BOOTSTRAP line within 10 s (${binary})`)), 10_000);
    }),
  ]);
  clearTimeout(timer);
  if (typeof first !== "string" || !first.startsWith("BOOTSTRAP ")) {
    child.kill();
    throw first instanceof Error ? first : new Error(`kafka mock: unexpected first line ${JSON.stringify(first)}`);
  }
  void (async () => { for await (const line of lines) replies.shift()?.resolve(line); })();

  // The launcher answers in order, so a FIFO of waiters pairs each reply with its command.
  const send = (command: string) => new Promise<void>((ok, fail) => {
    if (child.exitCode !== null) return fail(new Error(`kafka mock has exited; cannot send "${command}"`));
    replies.push({
      resolve: (line) => (line === "OK" ? ok() : fail(new Error(`kafka mock "${command}": ${line.replace(/^ERR /, "")}`))),
      reject: fail,
    });
    child.stdin.write(`${command}\n`);
    child.stdin.flush();
  });
  const broker = (id: number) => (assertInt("broker id", id, 1, brokers), id);
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (child.exitCode === null) {
      child.stdin.write("quit\n");
      child.stdin.end();
    }
    const kill = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await child.exited;
    clearTimeout(kill);
    await died;
  };

  return {
    bootstrap: first.slice("BOOTSTRAP ".length).trim().split(","),
    brokerDown: async (id) => send(`down ${broker(id)}`),
    brokerUp: async (id) => send(`up ${broker(id)}`),
    setRtt: async (id, ms) => (assertInt("rtt ms", ms, 0), send(`rtt ${broker(id)} ${ms}`)),
    requestErrors: async (api, code, count) => {
      const key = KAFKA_APIS[api];
      if (key === undefined) throw new RangeError(`kafka mock: unknown api ${JSON.stringify(api)} (one of ${Object.keys(KAFKA_APIS).join(", ")})`);
      assertInt("error code", code, 1, 32_767);
      assertInt("error count", count, 1, 10_000);
      return send(`errors ${key} ${code} ${count}`);
    },
    createTopic: async (name, partitions) => (assertTopic(name, partitions), send(`topic ${name} ${partitions}`)),
    setCoordinator: async (group, id) => {
      if (!TOPIC_NAME.test(group)) throw new RangeError(`kafka mock: illegal group name ${JSON.stringify(group)}`);
      return send(`coordinator ${group} ${broker(id)}`);
    },
    exited: died,
    stop: () => (stopping ??= stop()),
  };
}

/**
 * Compiles mock-cluster.c into the cache unless it is there. The cache is named by the
 * source's digest: checkouts of different versions share node_modules, and each must run
 * the launcher its own source describes.
 */
async function build(): Promise<string> {
  const digest = new Bun.CryptoHasher("sha256").update(await Bun.file(SOURCE).arrayBuffer()).digest("hex").slice(0, 16);
  const dir = join(CACHE, digest);
  const BINARY = join(dir, "mock-cluster");
  if (await stat(BINARY).catch(() => null)) return BINARY;
  if (!Bun.which("gcc")) throw new Error("gcc is not installed: apt-get install -y gcc");
  await mkdir(dir, { recursive: true });
  // Build beside the target and rename, so concurrent runs never exec a half-written file.
  const tmp = `${BINARY}.${process.pid}.tmp`;
  const gcc = Bun.spawn(["gcc", "-O2", "-Wall", "-o", tmp, SOURCE, "-lrdkafka"], { stdout: "ignore", stderr: "pipe" });
  const [code, out] = await Promise.all([gcc.exited, new Response(gcc.stderr).text()]);
  if (code !== 0) {
    const missing = /rdkafka.*No such file|cannot find -lrdkafka/.test(out);
    throw new Error(missing ? INSTALL : `gcc failed to build ${SOURCE}:\n${out}`);
  }
  await rename(tmp, BINARY);
  return BINARY;
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
}

function assertInt(what: string, n: number, min: number, max = Infinity) {
  const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`kafka mock: ${what} must be an integer ${range}, got ${n}`);
}

function assertTopic(name: string, partitions: number) {
  if (!TOPIC_NAME.test(name)) throw new RangeError(`kafka mock: illegal topic name ${JSON.stringify(name)}`);
  assertInt(`partitions of ${name}`, partitions, 1);
}
