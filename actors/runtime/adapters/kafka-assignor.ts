/**
 * The actors' partition assignor: co-partitioning (partition p of every topic goes to one
 * member, so every message of an order reaches the same member) and sticky (each member
 * keeps what it held where the balance allows). When a member restarts, the others keep
 * their partitions: their lanes go on with what they had queued, and only the partitions
 * that really move are handed over.
 */
import { AssignerProtocol, type Assigner } from "kafkajs";
import { z } from "zod";

const NAME = "saga-copartitioned-sticky";

/** What a member held at its last join, as the group leader reads it. */
export type Member = { id: string; held: number[] };

/**
 * The partitions 0..count-1 spread over `members`: each gets count/n (the members that held
 * most get the remainder), keeps what it held up to that, and the rest go to those below.
 */
export function assignSticky(members: Member[], count: number): Map<string, number[]> {
  const order = [...members].sort((a, b) => b.held.length - a.held.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const base = Math.floor(count / Math.max(1, order.length));
  const extra = count % Math.max(1, order.length);
  const quota = new Map(order.map((m, i) => [m.id, base + (i < extra ? 1 : 0)]));
  const out = new Map<string, number[]>(order.map((m) => [m.id, []]));
  const taken = new Set<number>();
  for (const m of order) {
    const mine = out.get(m.id)!;
    for (const p of [...new Set(m.held)].sort((a, b) => a - b)) {
      if (mine.length >= quota.get(m.id)! || p >= count || taken.has(p)) continue;
      mine.push(p);
      taken.add(p);
    }
  }
  const free = Array.from({ length: count }, (_, p) => p).filter((p) => !taken.has(p));
  for (const m of [...order].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const mine = out.get(m.id)!;
    while (mine.length < quota.get(m.id)! && free.length > 0) mine.push(free.shift()!);
    mine.sort((a, b) => a - b);
  }
  return out;
}

const Held = z.array(z.number().int().nonnegative());

/** What a member's join said it held; nothing when it said nothing readable (a first join). */
function heldIn(userData: Buffer | null | undefined): number[] {
  try {
    const parsed = Held.safeParse(JSON.parse(userData?.toString() || "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

type Cluster = { findTopicPartitionMetadata(t: string): { partitionId: number }[] };

/**
 * The assignor for kafkajs; `held()` is the partition numbers this member holds now, sent
 * with every join so the leader can keep them where they are. `sawCluster` is handed the
 * consumer's cluster (the restart's LeaveGroup for a predecessor goes through it).
 */
export const stickyCopartitioned = (held: () => number[], sawCluster: (cluster: unknown) => void = () => {}) =>
  ({ cluster }: { cluster: Cluster }): Assigner => {
    sawCluster(cluster);
    return {
      name: NAME,
      version: 1,
      async assign({ members, topics }) {
        // The group leader answers a moment late so followers' SyncGroup arrives first: the
        // librdkafka mock cluster rejects a follower that syncs after the leader (and kafkajs
        // then gives up on it). Harmless on a real broker.
        await new Promise((r) => setTimeout(r, 200));
        const count = Math.max(...topics.map((t) => cluster.findTopicPartitionMetadata(t).length));
        const plan = assignSticky(members.map((m) => ({
          id: m.memberId, held: heldIn(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData),
        })), count);
        return [...plan].map(([memberId, mine]) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1, assignment: Object.fromEntries(topics.map((t) => [t, mine])), userData: Buffer.alloc(0),
          }),
        }));
      },
      protocol({ topics }) {
        const userData = Buffer.from(JSON.stringify(held()));
        return { name: NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData }) };
      },
    };
  };
