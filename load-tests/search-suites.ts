/**
 * The labelled tool sets `npm run bench:search` measures, and how each catalog is loaded. See
 * load-tests/data/search/README.md for where each set comes from.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDemoTools } from '../demo/catalog';
import { loadGithubCatalog } from './github-catalog';
import type { SearchDocument } from '../src/search';
import type { LabelledQuery } from './search-metrics';

export const SEARCH_DATA = resolve(__dirname, '../../load-tests/data/search');

export interface SearchSuite {
  name: string;
  /** What the catalog is, in a few words (printed with the figures). */
  catalog: string;
  tools: () => Promise<readonly SearchDocument[]>;
  queries: () => readonly LabelledQuery[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

export const readQueries = (file: string): LabelledQuery[] => readJson<LabelledQuery[]>(file);

/** Tools from a `[{ name, description, inputSchema }]` file. */
export const readTools = (file: string): SearchDocument[] => readJson<SearchDocument[]>(file);

/** GitHub's REST API as the gateway serves it (see github-catalog.ts). */
export const loadGithubTools = (): Promise<SearchDocument[]> => loadGithubCatalog();

let githubTools: Promise<SearchDocument[]> | undefined;
/** Loaded once per process: the dev and held-out sets share the catalog (parsing it takes about a second). */
const githubOnce = (): Promise<SearchDocument[]> => (githubTools ??= loadGithubTools());

export const SUITES: readonly SearchSuite[] = [
  {
    name: 'toolret',
    catalog: 'ToolRet apigen, 3,000 tools',
    tools: () => Promise.resolve(readTools(resolve(SEARCH_DATA, 'tools.json'))),
    queries: () => readQueries(resolve(SEARCH_DATA, 'queries-dev.json')),
  },
  {
    name: 'github-dev',
    catalog: 'GitHub REST API, 1,223 operations',
    tools: githubOnce,
    queries: () => readQueries(resolve(SEARCH_DATA, 'github-queries-dev.json')),
  },
  {
    name: 'github-test',
    catalog: 'GitHub REST API, 1,223 operations',
    tools: githubOnce,
    queries: () => readQueries(resolve(SEARCH_DATA, 'github-queries-test.json')),
  },
  {
    name: 'demo',
    catalog: 'demo catalog, 157 tools',
    tools: () => Promise.resolve(createDemoTools()),
    queries: () => readQueries(resolve(SEARCH_DATA, 'demo-queries.json')),
  },
];

/** Labels that name no tool of the catalog: a typo in a set would silently cap its scores. */
export function unknownLabels(tools: readonly SearchDocument[], queries: readonly LabelledQuery[]): string[] {
  const names = new Set(tools.map((t) => t.name));
  return queries.flatMap((q) => q.relevant.filter((name) => !names.has(name)).map((name) => `${q.id}: ${name}`));
}
