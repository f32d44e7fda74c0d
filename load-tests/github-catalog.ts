/**
 * GitHub's REST API as the gateway serves it: the spec of the pinned `@octokit/openapi` through our
 * OpenAPI source, configured as the service configures it (operation `pulls/list` becomes
 * `github:pulls_list`). The baseUrl is never called: loading, searching and describing need no network.
 */
import { loadOpenApiTools, type ToolDefinition } from '../src/catalog';
import { loadConfig } from '../src/config';

export const GITHUB_SPEC = require.resolve('@octokit/openapi/generated/api.github.com.json');
export const GITHUB_SOURCE = { name: 'github', spec: GITHUB_SPEC, baseUrl: 'https://api.github.com' };

/** The 1,223 operations as catalog tools (parsing the spec takes about a second). */
export function loadGithubCatalog(): Promise<ToolDefinition[]> {
  return loadOpenApiTools(loadConfig({ env: {}, overrides: { sources: { openapi: [GITHUB_SOURCE] } } }).sources.openapi[0]!);
}
