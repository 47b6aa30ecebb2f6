// When requests happen: one day (2026-11-20 UTC) shaped like real traffic — quiet at night,
// busiest in the European afternoon — and a queue of follow-ups (next chat turns, retries).
import type { Random } from './random.js';

export const SAMPLE_DAY_START_MS = Date.UTC(2026, 10, 20);
const HOUR_MS = 3_600_000;

/** Relative traffic per UTC hour. */
const HOURLY_WEIGHTS = [2, 1.6, 1.3, 1.1, 1.1, 1.4, 2.2, 3.4, 4.8, 6, 7, 7.6, 7.4, 7.8, 8.4, 8.6, 8.2, 7.2, 6.2, 5.2, 4.6, 4, 3.4, 2.6];

/** Requests per hour for `total` requests, by largest remainder so they add up exactly. */
export function requestsPerHour(total: number): number[] {
  const weightSum = HOURLY_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  const exact = HOURLY_WEIGHTS.map((weight) => (total * weight) / weightSum);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((value, hour) => [value - Math.floor(value), hour] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let missing = total - counts.reduce((sum, count) => sum + count, 0);
  for (const [, hour] of byRemainder) {
    if (missing-- <= 0) break;
    counts[hour]!++;
  }
  return counts;
}

/** `total` request start times over the day, strictly increasing, one hour in memory at a time. */
export function* requestTimes(total: number, random: Random): Generator<number> {
  let previous = -1;
  for (const [hour, count] of requestsPerHour(total).entries()) {
    const offsets = Float64Array.from({ length: count }, () => Math.floor(random.next() * HOUR_MS)).sort();
    for (const offset of offsets) {
      previous = Math.max(SAMPLE_DAY_START_MS + hour * HOUR_MS + offset, previous + 1);
      yield previous;
    }
  }
}

/** A min-heap of things due at a time; ties leave in the order they came. */
export class FollowUpQueue<T> {
  private readonly heap: { dueMs: number; order: number; item: T }[] = [];
  private pushed = 0;

  get size(): number {
    return this.heap.length;
  }

  push(dueMs: number, item: T): void {
    this.heap.push({ dueMs, order: this.pushed++, item });
    let at = this.heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) break;
      this.swap(at, parent);
      at = parent;
    }
  }

  /** The earliest item due at or before `timeMs`, removed; null if none is due. */
  takeDue(timeMs: number): T | null {
    const top = this.heap[0];
    if (!top || top.dueMs > timeMs) return null;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top.item;
  }

  private siftDown(from: number): void {
    let at = from;
    for (;;) {
      const left = at * 2 + 1;
      const right = left + 1;
      let smallest = at;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === at) return;
      this.swap(at, smallest);
      at = smallest;
    }
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.dueMs < y.dueMs || (x.dueMs === y.dueMs && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b]!, this.heap[a]!];
  }
}
