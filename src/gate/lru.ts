/** A small LRU on Map insertion order: get() re-inserts, set() evicts the oldest past capacity. */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  /** Deletes the entries whose key matches; returns how many. */
  deleteWhere(test: (key: K) => boolean): number {
    let removed = 0;
    for (const key of [...this.#map.keys()]) {
      if (test(key)) {
        this.#map.delete(key);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}
