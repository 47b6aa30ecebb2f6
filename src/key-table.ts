// A number per key, where a key is a run of a typed array's elements (a pre-token's or a line's
// bytes for the token counter, a word's characters for unused_retrieval), found by its place in
// the array being read, so a hit allocates nothing. Open addressing over slots of four numbers
// (hash, the key's start in `keys`, its length, its value), so a probe reads one place; the
// keys' elements are kept one after another in one array, where a string per key would be a
// read from anywhere in the heap. Emptied when full: its users can make any value again.
type Units = Uint8Array | Uint16Array;

const INITIAL_SLOTS = 1 << 12;

export const FNV_OFFSET = 0x811c9dc5;
/** One step of FNV-1a. */
export const fnv = (hash: number, code: number) => Math.imul(hash ^ code, 0x01000193);

export class KeyTable<K extends Units> {
  private slots = new Int32Array(4 * INITIAL_SLOTS);
  private keys: K;
  private keysUsed = 0;
  private entries = 0;

  /** `newKeys` makes an empty array of the keys' type; past `maxEntries` or `maxKeyUnits` it is emptied. */
  constructor(
    private readonly newKeys: (size: number) => K,
    private readonly maxEntries = Infinity,
    private readonly maxKeyUnits = Infinity,
  ) {
    this.keys = newKeys(64 * 1024);
  }

  /** Entries held. */
  get size(): number {
    return this.entries;
  }

  /** FNV-1a over the elements, odd so that 0 can mark an empty slot. */
  static hash(units: Units, start: number, end: number): number {
    let hash = FNV_OFFSET;
    for (let at = start; at < end; at++) hash = fnv(hash, units[at]!);
    return hash | 1;
  }

  /** The value of units[start, end) (hash: any odd number that equal keys share), or -1 when it has none. */
  get(units: K, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const keys = this.keys;
    const mask = (slots.length >>> 2) - 1;
    const length = end - start;
    for (let slot = 4 * (hash & mask); slots[slot] !== 0; slot = 4 * (((slot >>> 2) + 1) & mask)) {
      if (slots[slot] !== hash || slots[slot + 2] !== length) continue;
      const keyStart = slots[slot + 1]!;
      let i = 0;
      while (i < length && keys[keyStart + i] === units[start + i]) i++;
      if (i === length) return slots[slot + 3]!;
    }
    return -1;
  }

  /** Gives units[start, end), which has no value yet, this one. */
  set(units: K, start: number, end: number, hash: number, value: number): void {
    const length = end - start;
    if (this.entries >= this.maxEntries || this.keysUsed + length > this.maxKeyUnits) this.empty();
    else if (4 * this.entries >= this.slots.length >>> 2) this.grow();
    if (this.keysUsed + length > this.keys.length) {
      const grown = this.newKeys(Math.max(2 * this.keys.length, this.keysUsed + length));
      grown.set(this.keys.subarray(0, this.keysUsed));
      this.keys = grown;
    }
    this.keys.set(units.subarray(start, end), this.keysUsed);
    this.place(this.slots, hash, this.keysUsed, length, value);
    this.keysUsed += length;
    this.entries++;
  }

  /** Forgets every key. */
  empty(): void {
    this.slots = new Int32Array(4 * INITIAL_SLOTS);
    this.keysUsed = 0;
    this.entries = 0;
  }

  private place(slots: Int32Array, hash: number, keyStart: number, length: number, value: number): void {
    const mask = (slots.length >>> 2) - 1;
    let slot = 4 * (hash & mask);
    while (slots[slot] !== 0) slot = 4 * (((slot >>> 2) + 1) & mask);
    slots[slot] = hash;
    slots[slot + 1] = keyStart;
    slots[slot + 2] = length;
    slots[slot + 3] = value;
  }

  /** Twice the slots, the entries placed again. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    for (let i = 0; i < old.length; i += 4) if (old[i] !== 0) this.place(this.slots, old[i]!, old[i + 1]!, old[i + 2]!, old[i + 3]!);
  }
}
