import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AccessControl, Catalog, TenantToolPolicy } from '../catalog';
import { cacheKey, type CachedLookups } from '../cache';
import { toolsDeclaration, usageExamples, withReachableDefinitions } from '../describe';
import type { GatewayMetrics } from '../metrics';
import type { SearchResponse, SearchView, ToolSearch } from '../search';
import { editDistance } from '../text';
import type { ToolDefinition } from '../catalog';
import type { DescribeFormat, DescribeResponse, DescribedTool } from './response-schemas';

export const SEARCH_LIMITS = Object.freeze({ queries: 10, topKDefault: 10, topKMax: 50, queryChars: 1_000 });
export const DESCRIBE_LIMITS = Object.freeze({ names: 50, nameChars: 200 });
/** Measured on GitHub's REST API: the TypeScript costs a fifth of the tokens of the JSON Schemas and keeps every required argument (docs/performance.md). */
/** describe.typescriptCharsPerTool's default, for a Discovery built without config. */
export const DEFAULT_TYPESCRIPT_CHARS_PER_TOOL = 6_000;
export const DEFAULT_DESCRIBE_FORMAT: DescribeFormat = 'typescript';
/** Ends a declaration block that was shortened, so the reader knows where the rest is. */
export const SHORTENED_NOTE = "// … marks what was left out to fit; describe with format 'json-schema' for the full schemas";

export interface SearchToolsRequest {
  queries: readonly string[];
  topK?: number;
  minScore?: number;
  /** The caller's tenant: its id keys the cache, its policy narrows the view. */
  tenant?: DiscoveryTenant;
}

export interface DiscoveryTenant {
  id: string;
  policy?: TenantToolPolicy | undefined;
}


export interface DiscoveryDeps {
  catalog: Catalog;
  access: AccessControl;
  search: ToolSearch;
  cache: CachedLookups;
  metrics: GatewayMetrics;
  /** Hash of the server-wide access policy: two deployments with different policies never share entries. */
  policyKey: string;
  /** Characters of TypeScript each described tool may add to the declaration block (describe.typescriptCharsPerTool). */
  typescriptCharsPerTool?: number;
}

const SUGGESTIONS = 3;

/**
 * Search and describe for one caller's view of the catalog: the access decision filters both (hidden
 * tools look exactly like unknown ones), and answers are cached by catalog version + view + request.
 */
export class Discovery {
  readonly #deps: DiscoveryDeps;
  /** Catalog versions that appear in cache keys written by this process. */
  readonly #versions = new Set<string>();

  constructor(deps: DiscoveryDeps) {
    this.#deps = deps;
  }

  #key(version: string, area: string, view: string, request: unknown): string {
    this.#versions.add(version);
    return cacheKey(version, area, view, request);
  }

  /** After the search index moved to `current`, drops every older generation this process wrote. */
  retireVersionsExcept(current: string): void {
    for (const version of this.#versions) {
      if (version === current) continue;
      this.#versions.delete(version);
      void this.#deps.cache.invalidateVersion(version);
    }
  }

  /** A tenant's view; the key names the tenant itself, so no cache entry is ever served across tenants. */
  view(tenant?: DiscoveryTenant): SearchView {
    const { access, policyKey } = this.#deps;
    const policy = tenant?.policy;
    const policyHash = policy ? createHash('sha256').update(JSON.stringify([policy.include ?? [], policy.exclude ?? []])).digest('base64url').slice(0, 12) : 'all';
    return { key: `${policyKey}.${encodeURIComponent(tenant?.id ?? '')}.${policyHash}`, visible: (name) => access.decide(name, policy).codeCall };
  }

  async search(request: SearchToolsRequest): Promise<SearchResponse> {
    const { search, cache, metrics } = this.#deps;
    const view = this.view(request.tenant);
    const normalised = {
      queries: request.queries,
      topK: Math.min(request.topK ?? SEARCH_LIMITS.topKDefault, SEARCH_LIMITS.topKMax),
      minScore: request.minScore ?? 0,
    };
    // The serving index's version, not the catalog's: during a rebuild the old index answers, and its
    // answers must not be stored under the new version.
    return cache.lookup(this.#key(search.servingVersion, 'search', view.key, normalised), 'search', async () => {
      const started = performance.now();
      const response = await search.search({ ...normalised, view });
      metrics.searchDuration.observe((performance.now() - started) / 1000);
      return response;
    });
  }

  async describe(names: readonly string[], tenant?: DiscoveryTenant, format: DescribeFormat = DEFAULT_DESCRIBE_FORMAT): Promise<DescribeResponse> {
    const { catalog, cache } = this.#deps;
    const view = this.view(tenant);
    // The budget is in the key too: instances sharing a Redis may be configured differently.
    const request = { names, format, budget: this.#budget };
    return cache.lookup(this.#key(catalog.version, 'describe', view.key, request), 'describe', () => this.#describe(names, format, view));
  }

  get #budget(): number {
    return this.#deps.typescriptCharsPerTool ?? DEFAULT_TYPESCRIPT_CHARS_PER_TOOL;
  }

  #describe(names: readonly string[], format: DescribeFormat, view: SearchView): DescribeResponse {
    const { catalog } = this.#deps;
    const found: ToolDefinition[] = [];
    const notFound: DescribeResponse['notFound'] = [];
    const seen = new Set<string>();
    for (const requested of names) {
      const canonical = catalog.resolve(requested);
      const tool = canonical !== undefined && view.visible(canonical) ? catalog.get(canonical) : undefined;
      if (!tool) {
        notFound.push({ name: requested, didYouMean: this.#suggest(requested, view, view.visible) });
        continue;
      }
      if (seen.has(tool.name)) continue;
      seen.add(tool.name);
      found.push(tool);
    }
    const schemas = format !== 'typescript';
    const tools = found.map(
      (tool): DescribedTool => ({
        name: tool.name,
        description: tool.description,
        ...(schemas ? { inputSchema: withReachableDefinitions(tool.inputSchema), outputSchema: tool.outputSchema ? withReachableDefinitions(tool.outputSchema) : 'unknown' } : {}),
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
        examples: usageExamples(tool),
      }),
    );
    const typescript = format === 'json-schema' ? undefined : toolsDeclaration(found, { maxChars: this.#budget, shortenedNote: SHORTENED_NOTE });
    return { format, tools, ...(typescript !== undefined ? { typescript } : {}), notFound };
  }

  /**
   * Tools to suggest for a name that is not one, among those `usable` allows and the tenant can see: for a
   * script's unknown callTool name, an invoke of a hidden tool, a describe of a typo.
   */
  suggest(requested: string, tenant: DiscoveryTenant | undefined, usable: (canonical: string) => boolean): string[] {
    const view = this.view(tenant);
    return this.#suggest(requested, view, (name) => view.visible(name) && usable(name));
  }

  /**
   * Close spellings first (`user:list` → `users:list`), then the same tool name under another source,
   * then what a search for the name's words finds. Only tools `usable` allows are ever suggested.
   */
  #suggest(requested: string, view: SearchView, usable: (canonical: string) => boolean): string[] {
    const { catalog, search } = this.#deps;
    const wanted = requested.toLowerCase();
    const max = Math.max(2, Math.floor(wanted.length / 4));
    const scored: [string, number][] = [];
    const tail = wanted.slice(wanted.indexOf(':') + 1);
    for (const tool of catalog.list()) {
      if (!usable(tool.name)) continue;
      const name = tool.name.toLowerCase();
      const alias = (catalog.aliasOf(tool.name) ?? '').toLowerCase();
      const distance = Math.min(editDistance(wanted, name, max), alias ? editDistance(wanted, alias, max) : max + 1);
      if (distance <= max) scored.push([tool.name, distance]);
      else if (tail.length > 2 && name.slice(name.indexOf(':') + 1) === tail) scored.push([tool.name, max + 0.5]);
    }
    const suggestions = scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
    if (suggestions.length < SUGGESTIONS) {
      // What a search for the name finds, tools of the source the name asked for first (`users:find` → users:search).
      const source = wanted.includes(':') ? wanted.slice(0, wanted.indexOf(':') + 1) : undefined;
      const hits = search.searchLexical({ queries: [requested], topK: SUGGESTIONS * 3, minScore: 0, view }).tools.map((t) => t.name);
      const sameSource = source ? hits.filter((n) => n.toLowerCase().startsWith(source)) : [];
      for (const name of [...sameSource, ...hits]) {
        if (!suggestions.includes(name) && usable(name)) suggestions.push(name);
      }
    }
    return suggestions.slice(0, SUGGESTIONS);
  }
}
