import type { Logger } from '../../../log';
import type { ToolDefinition } from '../../types';
import type { SourceHealth } from '../source-health';
import { loadOpenApiTools, type OpenApiConfig } from './index';

/**
 * One OpenAPI source that loads on its own: a spec that is missing, unreachable or broken leaves the
 * rest of the catalog serving, is retried with backoff, and its tools join the catalog (and a
 * tools/list_changed goes out) the moment it loads.
 */
export class SpecSource {
  #state: SourceHealth['state'] = 'connecting';
  #tools = 0;
  #lastError: string | undefined;
  #attempts = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #firstAttempt: Promise<void> | undefined;

  constructor(
    readonly config: OpenApiConfig,
    readonly log: Logger,
    /** Called with the operations once the spec loads. */
    readonly onTools: (tools: ToolDefinition[]) => void,
  ) {}

  health(): SourceHealth {
    return {
      name: this.config.name,
      kind: 'openapi',
      state: this.#state,
      tools: this.#tools,
      reconnects: Math.max(0, this.#attempts - 1),
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  /** Starts loading; resolves after the first attempt, whether it loaded or not (retries go on). */
  start(): Promise<void> {
    return (this.#firstAttempt ??= this.#attempt());
  }

  async #attempt(): Promise<void> {
    if (this.#closed) return;
    this.#attempts++;
    try {
      const tools = await loadOpenApiTools(this.config);
      if (this.#closed) return;
      this.#tools = tools.length;
      this.#state = 'connected';
      this.#lastError = undefined;
      this.onTools(tools);
      this.log.info({ source: this.config.name, tools: tools.length }, 'OpenAPI source loaded');
    } catch (err) {
      this.#lastError = (err as Error).message;
      this.#state = 'disconnected';
      const delay = Math.min(this.config.retryMaxMs, this.config.retryInitialMs * 2 ** (this.#attempts - 1));
      this.log.warn({ source: this.config.name, err: this.#lastError, retryInMs: delay }, 'OpenAPI source unavailable; its tools are missing until it loads');
      if (this.#closed) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#attempt();
      }, delay);
      this.#timer.unref();
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
