/**
 * A restarted actors process takes its partitions back at once. A process killed without
 * leaving its group stays a member until its session times out, and the group cannot
 * rebalance before: its partitions stall. So each process keeps its member id in a file;
 * the next start of it sends LeaveGroup for that id before joining, and the group
 * rebalances right away. (kafkajs has no static membership, which would do the same.)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { log } from "../log.ts";

type Coordinator = { leaveGroup(req: { groupId: string; memberId: string }): Promise<unknown> };
type Cluster = { findGroupCoordinator(req: { groupId: string }): Promise<Coordinator> };

const isCluster = (c: unknown): c is Cluster =>
  typeof c === "object" && c !== null && "findGroupCoordinator" in c && typeof c.findGroupCoordinator === "function";

/** Keep this member's id for the next start (a failure only costs that start the session timeout). */
export function rememberMember(file: string, memberId: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, memberId);
  } catch (err) {
    log.warn("could not keep the kafka member id", { file, error: err });
  }
}

/** The member id the last run of this process kept, if any. */
export function predecessorOf(file: string): string | null {
  try {
    return readFileSync(file, "utf8").trim() || null;
  } catch {
    return null;
  }
}

/**
 * Ask the group's coordinator to drop the member the last run of this process was. A
 * member that already left or timed out is unknown to it: nothing to do, so any refusal
 * is only noted.
 */
export async function leavePredecessor(cluster: unknown, groupId: string, file: string): Promise<void> {
  const memberId = predecessorOf(file);
  if (!memberId || !isCluster(cluster)) return;
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.leaveGroup({ groupId, memberId });
    log.info("the previous run of this process left the consumer group", { groupId, memberId });
  } catch (err) {
    log.info("the previous run of this process was no longer in the consumer group", { groupId, memberId, error: err });
  }
}
