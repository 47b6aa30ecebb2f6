// The replay's memory of what it has seen (prompt prefixes, responses), kept only as long as it
// can still matter: requests come in time order, so what was stored more than a TTL before the
// request being replayed can never be read as warm again.

/**
 * A map whose entries count only for `windowMs` after they were set. They live in two
 * generations of at least one window each, and a generation is dropped whole once the newest
 * request is a window past its end: the map holds at most two windows of traffic, however long
 * the log. `get` may still return a value set more than a window ago (from the older
 * generation); callers compare its time with the TTL as before.
 */
export class TimeWindowMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private currentStartMs = -Infinity;
  private lastMs = -Infinity;

  constructor(private readonly windowMs: number) {}

  /** Moves to the request at `nowMs`; times never go back (the replay is in time order). */
  advance(nowMs: number): void {
    if (nowMs < this.lastMs) throw new Error(`replay out of time order: ${nowMs} after ${this.lastMs}`);
    this.lastMs = nowMs;
    // (the same millisecond never starts a generation: a window of 0 still keeps its entries)
    if (nowMs === this.currentStartMs || nowMs - this.currentStartMs < this.windowMs) return;
    // What `previous` holds was set before currentStartMs, a window or more before nowMs.
    this.previous = this.current;
    this.current = new Map();
    this.currentStartMs = nowMs;
  }

  /** The value set last for the key (the current generation's, if it has one). */
  get(key: K): V | undefined {
    const found = this.current.get(key);
    return found === undefined ? this.previous.get(key) : found;
  }

  set(key: K, value: V): void {
    this.current.set(key, value);
  }

  /** Entries held (a key in both generations counts twice). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}

/** One TimeWindowMap per name (a model's prefixes or responses apart from another's). */
export class TimeWindowMaps<K, V> {
  private readonly maps = new Map<string, TimeWindowMap<K, V>>();

  constructor(private readonly windowMs: number) {}

  /** The name's map, moved to `nowMs`. */
  at(name: string, nowMs: number): TimeWindowMap<K, V> {
    let map = this.maps.get(name);
    if (!map) this.maps.set(name, (map = new TimeWindowMap(this.windowMs)));
    map.advance(nowMs);
    return map;
  }

  /** Entries held in all the maps. */
  get size(): number {
    let size = 0;
    for (const map of this.maps.values()) size += map.size;
    return size;
  }
}
