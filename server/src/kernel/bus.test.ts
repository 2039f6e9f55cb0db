import { describe, expect, it } from 'vitest';
import { createMemoryBus } from './bus.js';

describe('the in-process bus', () => {
  it('delivers a message to every subscriber of its topic, in publish order, and to no other topic', () => {
    const bus = createMemoryBus<number>();
    const a: number[] = [];
    const b: number[] = [];
    const other: number[] = [];
    bus.subscribe('ws_a', (m) => a.push(m));
    bus.subscribe('ws_a', (m) => b.push(m));
    bus.subscribe('ws_b', (m) => other.push(m));
    bus.publish('ws_a', 1);
    bus.publish('ws_a', 2);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    expect(other).toEqual([]);
  });

  it('an unsubscribed handler hears nothing more, and a failing handler does not stop the others', () => {
    const errors: unknown[] = [];
    const bus = createMemoryBus<string>({ onHandlerError: (e) => errors.push(e) });
    const heard: string[] = [];
    bus.subscribe('t', () => {
      throw new Error('broken page');
    });
    const stop = bus.subscribe('t', (m) => heard.push(m));
    bus.publish('t', 'first');
    stop();
    bus.publish('t', 'second');
    expect(heard).toEqual(['first']);
    expect(errors).toHaveLength(2);
  });
});
