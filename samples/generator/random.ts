// Seeded randomness for the sample generator: mulberry32 plus the draws the traffic model
// needs. Same seed, same sequence, on every run — never Math.random or the clock.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** FNV-1a over a label, to derive independent streams from one seed. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream of its own for one purpose (corpus, traffic, …), so changing one leaves the others alone. */
  static derive(seed: number, label: string): Random {
    return new Random(Math.imul(seed >>> 0, 0x9e3779b1) ^ hashLabel(label));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Whole number in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One item, drawn with the given weights. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let point = this.next() * total;
    for (const [item, weight] of entries) {
      point -= weight;
      if (point < 0) return item;
    }
    return entries[entries.length - 1]![0];
  }

  /** Index in [0, size) with a Zipf-like skew: a few items are popular, most are rare. */
  skewedIndex(size: number, skew = 1.6): number {
    return Math.min(size - 1, Math.floor(size * Math.pow(this.next(), skew)));
  }

  /** k distinct items, in draw order. */
  sample<T>(items: readonly T[], count: number, drawIndex: (size: number) => number = (size) => this.int(0, size - 1)): T[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, items.length)) chosen.add(drawIndex(items.length));
    return [...chosen].map((index) => items[index]!);
  }

  base62(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += BASE62[Math.floor(this.next() * 62)];
    return text;
  }

  hex(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += Math.floor(this.next() * 16).toString(16);
    return text;
  }
}
