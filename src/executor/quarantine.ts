/** Script hashes that crashed their sandbox, each kept for `ttlMs`; the oldest go first past `capacity`. */
export class Quarantine {
  readonly #until = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    readonly capacity: number,
  ) {}

  holds(hash: string | undefined): boolean {
    if (hash === undefined) return false;
    const until = this.#until.get(hash);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#until.delete(hash);
    return false;
  }

  add(hash: string | undefined): void {
    if (hash === undefined) return;
    // Re-inserted, so insertion order stays age order.
    this.#until.delete(hash);
    this.#until.set(hash, Date.now() + this.ttlMs);
    if (this.#until.size > this.capacity) this.#until.delete(this.#until.keys().next().value as string);
  }
}
