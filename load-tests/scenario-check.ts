import type { Scenario } from './scenarios';

/**
 * Whether an answer is a failure. A script error is a 200 with `status: "error"` and a failed MCP call
 * a 200 with `isError`, so a load run's non-2xx count alone cannot tell a broken scenario from a fast one.
 */
export function answerFailed(path: string, status: number, text: string): boolean {
  if (status < 200 || status > 299) return true;
  let body: { status?: unknown; error?: unknown; result?: { isError?: unknown }; notFound?: unknown[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return true;
  }
  return (
    body.error !== undefined ||
    (body.status !== undefined && body.status !== 'ok') ||
    (body.notFound !== undefined && body.notFound.length > 0) ||
    (path === '/mcp' && (body.result === undefined || body.result.isError === true))
  );
}

/** Sends each of a scenario's requests once and insists on a successful answer. */
export async function checkScenario(baseUrl: string, scenario: Scenario): Promise<void> {
  for (const template of scenario.requests()) {
    const request = typeof template.setupRequest === 'function' ? template.setupRequest(template, {}) : template;
    const path = request.path ?? '/';
    const res = await fetch(`${baseUrl}${path}`, {
      method: request.method ?? 'GET',
      headers: request.headers as Record<string, string>,
      ...(request.body !== undefined ? { body: request.body as string } : {}),
    });
    const text = await res.text();
    if (answerFailed(path, res.status, text)) throw new Error(`scenario ${scenario.name}: ${request.method ?? 'GET'} ${path} answered ${res.status} ${text.slice(0, 500)}`);
  }
}
