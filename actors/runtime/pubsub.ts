/** Live fan-out port: in-process by default, NATS in distributed mode. Best effort, after commit. */
export interface PubSub {
  publish(subject: string, data: unknown): void;
  /** Returns an unsubscribe function. */
  subscribe(subject: string, fn: (data: unknown) => void): () => void;
  /** Release connections, if there are any. */
  close?(): Promise<void>;
}

/** In-process pub/sub for the embedded default. */
export function memoryPubSub(): PubSub {
  const subs = new Map<string, Set<(data: unknown) => void>>();
  return {
    publish(subject, data) {
      for (const fn of subs.get(subject) ?? []) {
        try {
          fn(data);
        } catch {
          // one broken subscriber must not stop the others
        }
      }
    },
    subscribe(subject, fn) {
      let set = subs.get(subject);
      if (!set) subs.set(subject, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) subs.delete(subject);
      };
    },
  };
}
