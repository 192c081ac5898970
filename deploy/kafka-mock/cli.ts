/**
 * A local Kafka-protocol cluster with the saga-shop topics, for distributed runs:
 *
 *   bun deploy/kafka-mock/cli.ts [--brokers 3] [--partitions 8]
 *
 * Prints KAFKA_BROKERS=<bootstrap> and serves until Ctrl-C. The data lives in memory only.
 */
import { parseArgs } from "node:util";
import { TOPICS } from "../../actors/contracts/index.ts";
import { startKafkaMock } from "./index.ts";

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
