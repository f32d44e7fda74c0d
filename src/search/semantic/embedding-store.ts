import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

/**
 * Where computed tool embeddings outlive the process, keyed by model and content hash: restarts, other
 * pods and unchanged tools after a catalog change reuse them instead of recomputing (~25 ms each).
 */
export interface EmbeddingStore {
  readonly kind: 'redis' | 'disk';
  /** One entry per hash: the vector, or undefined when absent or unreadable. */
  get(model: string, hashes: readonly string[]): Promise<(Float32Array | undefined)[]>;
  put(model: string, entries: readonly { hash: string; vector: Float32Array }[]): Promise<void>;
}

/** Short, filesystem- and key-safe name for a model id such as `@scope/pkg@1.2.3`. */
const modelSlug = (model: string): string => createHash('sha256').update(model).digest('base64url').slice(0, 16);

const toBytes = (vector: Float32Array): Buffer => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

function fromBytes(bytes: Buffer | null | undefined): Float32Array | undefined {
  if (!bytes || bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  // Copied: a Buffer's offset into Node's shared pool need not be 4-byte aligned.
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Kept without end, but refreshed on every write, so tools gone from every catalog age out. */
const REDIS_TTL_SECONDS = 30 * 24 * 3600;
const REDIS_BATCH = 500;

export class RedisEmbeddingStore implements EmbeddingStore {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}embedding:`;
  }

  #key(model: string, hash: string): string {
    return `${this.#prefix}${modelSlug(model)}:${hash}`;
  }

  async get(model: string, hashes: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const out: (Float32Array | undefined)[] = [];
    for (let i = 0; i < hashes.length; i += REDIS_BATCH) {
      const keys = hashes.slice(i, i + REDIS_BATCH).map((hash) => this.#key(model, hash));
      const values = await this.#redis.mgetBuffer(...keys);
      for (const value of values) out.push(fromBytes(value));
    }
    return out;
  }

  async put(model: string, entries: readonly { hash: string; vector: Float32Array }[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const { hash, vector } of entries) pipeline.set(this.#key(model, hash), toBytes(vector), 'EX', REDIS_TTL_SECONDS);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }
}

const DISK_READ_BATCH = 64;

/** One small file per vector under `<dir>/<model>/<2 chars>/<hash>`; written via rename, so readers never see half a file. */
export class DiskEmbeddingStore implements EmbeddingStore {
  readonly kind = 'disk' as const;
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(model: string, hash: string): string {
    return join(this.#dir, modelSlug(model), hash.slice(0, 2), `${hash}.f32`);
  }

  async get(model: string, hashes: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const out: (Float32Array | undefined)[] = [];
    for (let i = 0; i < hashes.length; i += DISK_READ_BATCH) {
      const batch = hashes.slice(i, i + DISK_READ_BATCH);
      const read = await Promise.all(batch.map((hash) => readFile(this.#path(model, hash)).then(fromBytes, () => undefined)));
      out.push(...read);
    }
    return out;
  }

  async put(model: string, entries: readonly { hash: string; vector: Float32Array }[]): Promise<void> {
    for (const { hash, vector } of entries) {
      const path = this.#path(model, hash);
      await mkdir(join(path, '..'), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, toBytes(vector));
      await rename(temporary, path);
    }
  }
}
