/**
 * A local Kafka-protocol cluster with the saga-shop topics, for distributed runs:
 *
 *   bun deploy/kafka-mock/cli.ts [--brokers 3] [--partitions 8]
 *
 * Prints KAFKA_BROKERS=<bootstrap> and serves until Ctrl-C. The data lives in memory only.
 * Faults are typed on stdin, one per line, each answered OK or ERR <why>:
 *   down <broker> | up <broker> | rtt <broker> <ms>
 *   errors <produce|fetch|offsetCommit|joinGroup|heartbeat|syncGroup> <kafka error code> <count>
 *   coordinator <group> <broker>
 */
import { parseArgs } from "node:util";
import { TOPICS } from "../../actors/contracts/index.ts";
import { KAFKA_APIS, startKafkaMock, type KafkaApi, type KafkaMock } from "./index.ts";

const { values } = parseArgs({
  options: { brokers: { type: "string", default: "3" }, partitions: { type: "string", default: "8" } },
});
const brokers = Number(values.brokers);
const partitions = Number(values.partitions);

const mock = await startKafkaMock({ brokers, topics: TOPICS.map((name) => ({ name, partitions })) });
console.log(`KAFKA_BROKERS=${mock.bootstrap.join(",")}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await mock.stop();
    process.exit(0);
  });
}

/** One typed fault, run against the cluster. */
function command(m: KafkaMock, line: string): Promise<void> {
  const [verb, ...args] = line.trim().split(/\s+/);
  const n = args.map(Number);
  switch (verb) {
    case "down": return m.brokerDown(n[0]!);
    case "up": return m.brokerUp(n[0]!);
    case "rtt": return m.setRtt(n[0]!, n[1]!);
    case "errors":
      if (!(args[0]! in KAFKA_APIS)) return Promise.reject(new Error(`unknown api ${args[0]} (one of ${Object.keys(KAFKA_APIS).join(", ")})`));
      return m.requestErrors(args[0] as KafkaApi, n[1]!, n[2]!);
    case "coordinator": return m.setCoordinator(args[0] ?? "", n[1]!);
    default: return Promise.reject(new Error(`unknown command: ${line.trim()}`));
  }
}

for await (const line of console) {
  if (!line.trim()) continue;
  await command(mock, line).then(() => console.log("OK"), (e: Error) => console.log(`ERR ${e.message}`));
}
