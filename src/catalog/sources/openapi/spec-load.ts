import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyPatch, type Operation as PatchOperation } from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import type SwaggerParserType from '@apidevtools/swagger-parser';

/**
 * Fetching and resolving one OpenAPI document. Specs live on the operator's own network as often as not
 * (`http://petstore:8080`, `*.svc.cluster.local`, 10.x): the URL is the operator's configuration, not a
 * script's input, so no host is refused here. What scripts may reach is decided elsewhere (scripts reach
 * only tools, never URLs).
 */

/** How one spec is fetched (the source's `spec*` settings). */
export interface SpecFetch {
  /** Path (relative to the working directory) or http(s) URL. */
  spec: string;
  /** Headers for every request for the spec and the files it references. */
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** RFC 6902 operations applied to the document as written, before its references are resolved. */
  patches: readonly unknown[];
}

/** A spec that could not be loaded, with a message that names the location and the cause. */
export class SpecLoadError extends Error {
  override readonly name = 'SpecLoadError';
}

type SwaggerParserClass = typeof SwaggerParserType;

/**
 * Required on first use, not imported: the parser and its validators take ~130 ms to load, which only a
 * service with a spec configured should pay. (Its $ref resolver is an ES module; Node 22.12+ requires it.)
 */
function swaggerParser(): SwaggerParserClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load, see above
  return require('@apidevtools/swagger-parser') as SwaggerParserClass;
}

const isUrl = (location: string): boolean => /^https?:\/\//i.test(location);

/** The cause of a failed fetch, as an operator reads it (undici hides the socket error in `cause`). */
function fetchFailure(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms (specTimeoutMs)`;
  const cause = e.cause;
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return `the host name does not resolve (${cause.code})`;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return e.message ?? String(err);
}

async function readText(location: string, fetchOptions: SpecFetch): Promise<string> {
  if (!isUrl(location)) {
    try {
      return await readFile(location, 'utf8');
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new SpecLoadError(code === 'ENOENT' ? `cannot read ${location}: no such file` : `cannot read ${location}: ${(err as Error).message}`);
    }
  }
  let response: Response;
  try {
    response = await fetch(location, { headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5', ...fetchOptions.headers }, signal: AbortSignal.timeout(fetchOptions.timeoutMs) });
  } catch (err) {
    throw new SpecLoadError(`cannot fetch ${location}: ${fetchFailure(err, fetchOptions.timeoutMs)}`);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const hint = response.status === 401 || response.status === 403 ? ' (specHeaders / specHeadersEnv send credentials for the spec)' : '';
    throw new SpecLoadError(`cannot fetch ${location}: HTTP ${response.status} ${response.statusText}${hint}`);
  }
  return text;
}

/** Applies the source's RFC 6902 patches; a failing operation is named by its index, op and path. */
function patched(document: unknown, patches: readonly unknown[], location: string): unknown {
  if (patches.length === 0) return document;
  const operations = patches as PatchOperation[];
  operations.forEach((op, index) => {
    try {
      // Validated one by one so the error names the operation that does not apply.
      applyPatch(document, [op], true, true);
    } catch (err) {
      const detail = (err as Error).message.split('\n')[0];
      throw new SpecLoadError(`${location}: patches[${index}] (${op.op} ${op.path}) does not apply: ${detail}`);
    }
  });
  return document;
}

/**
 * JSON is YAML too, but the YAML parser builds a node per token first: GitHub's 11 MB spec took the
 * process past 700 MB that way. A document that opens with `{` is tried with JSON.parse; YAML, and
 * flow-style YAML that only looks like JSON, go to the YAML parser.
 */
function parseSpecText(text: string): unknown {
  if (/^\s*\{/.test(text.slice(0, 1_000))) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all: YAML says why, or reads it.
    }
  }
  return parseYaml(text, { maxAliasCount: 10_000 });
}

/**
 * Reads the document and applies the patches. References stay as written (the tools follow them per
 * operation, so each carries only the schemas it reaches); a spec split over several files is bundled,
 * its files fetched with the same headers, which turns its external references into internal ones.
 */
export async function loadSpecDocument(options: SpecFetch): Promise<unknown> {
  const location = isUrl(options.spec) ? options.spec : resolve(options.spec);
  const text = await readText(location, options);
  let document: unknown;
  try {
    document = parseSpecText(text);
  } catch (err) {
    throw new SpecLoadError(`${location} is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new SpecLoadError(`${location} does not hold an OpenAPI document (an object)`);
  document = patched(document, options.patches, location);
  const SwaggerParser = swaggerParser();
  const parser = new SwaggerParser();
  const parserOptions = { resolve: { http: { safeUrlResolver: false, headers: { ...options.headers }, timeout: options.timeoutMs } } };
  try {
    const files = await parser.resolve(location, document as never, parserOptions);
    return files.paths().length > 1 ? await parser.bundle(location, document as never, parserOptions) : document;
  } catch (err) {
    throw new SpecLoadError(`${location}: a $ref does not resolve: ${(err as Error).message.split('\n')[0]}`);
  }
}
