// A small publish/subscribe for things that already happened (committed
// events, action outcomes) and that open connections want to see at once:
// the console's live stream. In-process here; a Redis-backed bus for scale
// mode implements the same interface (publish fans out to every process).
// Delivery is best effort: a subscriber that was not listening reads what it
// missed from the durable record (e.g. /live/recent), never from the bus.

export type BusHandler<T> = (message: T) => void;

export interface Bus<T> {
  /** Call only after the fact is committed. */
  publish(topic: string, message: T): void;
  /** Answers the unsubscribe function. */
  subscribe(topic: string, handler: BusHandler<T>): () => void;
  close(): Promise<void>;
}

export function createMemoryBus<T>(options: { onHandlerError?: (error: unknown) => void } = {}): Bus<T> {
  const topics = new Map<string, Set<BusHandler<T>>>();
  return {
    publish(topic, message) {
      const handlers = topics.get(topic);
      if (!handlers) return;
      for (const handler of [...handlers]) {
        try {
          handler(message);
        } catch (error) {
          options.onHandlerError?.(error);
        }
      }
    },
    subscribe(topic, handler) {
      let handlers = topics.get(topic);
      if (!handlers) topics.set(topic, (handlers = new Set()));
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0) topics.delete(topic);
      };
    },
    async close() {
      topics.clear();
    },
  };
}
