import { describe, expect, it } from 'vitest';
import { mulberry32 as random } from '../random.js';
import { TimeWindowMap, TimeWindowMaps } from '../../src/simulate/policies/time-window.js';

describe('TimeWindowMap', () => {
  it('answers every TTL question as a map that keeps everything does, on random time-ordered traffic', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const ttlMs = 1 + Math.floor(next() * 1000);
      const windowed = new TimeWindowMap<number, number>(ttlMs);
      const everything = new Map<number, number>();
      let now = 0;
      let warm = 0;
      for (let step = 0; step < 20_000; step++) {
        // bursts of requests at one time, small steps, and gaps longer than the TTL
        const gap = next();
        now += gap < 0.3 ? 0 : gap < 0.97 ? Math.floor(next() * ttlMs * 0.2) : Math.floor(next() * ttlMs * 3);
        windowed.advance(now);
        const key = Math.floor(next() * 40);
        const kept = everything.get(key);
        const held = windowed.get(key);
        const expected = kept !== undefined && now - kept <= ttlMs;
        expect(held !== undefined && now - held <= ttlMs).toBe(expected);
        if (expected) warm++;
        if (next() < 0.5) {
          everything.set(key, now);
          windowed.set(key, now);
        }
      }
      // the traffic did reuse entries within the TTL, so the comparison meant something
      expect(warm).toBeGreaterThan(1000);
    }
  });

  it('holds at most two windows of entries however long the traffic runs', () => {
    const map = new TimeWindowMap<number, number>(1000);
    let largest = 0;
    for (let ms = 0; ms < 100_000; ms++) {
      map.advance(ms);
      map.set(ms, ms);
      largest = Math.max(largest, map.size);
    }
    // one entry a millisecond: a map that kept everything would hold 100,000
    expect(largest).toBeLessThanOrEqual(2000);
    expect(map.get(99_999)).toBe(99_999);
    expect(map.get(1000)).toBeUndefined();
  });

  it('keeps what was set at this very millisecond, even with a window of 0, however often it is moved there', () => {
    const map = new TimeWindowMap<string, number>(0);
    map.advance(5);
    map.set('a', 5);
    for (let i = 0; i < 3; i++) {
      map.advance(5);
      expect(map.get('a')).toBe(5);
    }
    map.advance(6);
    map.advance(7);
    expect(map.get('a')).toBeUndefined();
  });

  it('refuses time going back, which would make it drop entries still warm', () => {
    const map = new TimeWindowMap<string, number>(10);
    map.advance(100);
    expect(() => map.advance(99)).toThrow(/out of time order/);
  });

  it('keeps one map per name', () => {
    const maps = new TimeWindowMaps<bigint, number>(10);
    maps.at('gpt-4o', 0).set(1n, 0);
    expect(maps.at('gpt-4o-mini', 5).get(1n)).toBeUndefined();
    expect(maps.at('gpt-4o', 5).get(1n)).toBe(0);
    expect(maps.size).toBe(1);
  });
});
