import { GatewayError } from '../errors';
import { NO_DEADLINE } from './protocol';

// Allocated once: building an Error per run (stack capture) showed up in profiles of the hot path.
const RUN_ENDED = new GatewayError('CANCELLED', 'the execution ended');
const DEADLINE_REACHED = new GatewayError('TIMEOUT', 'the execution deadline was reached');

/**
 * What the front knows about one run while its tools execute. The AbortSignal and its deadline timer
 * exist only if a tool asks for `signal`; `race()` settles a hung tool call when the run ends without
 * one listener per call.
 */
export class RunScope {
  #abort: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiters: Set<(reason: unknown) => void> | undefined;
  #ended = false;

  constructor(readonly deadlineAt: number) {}

  get signal(): AbortSignal {
    if (!this.#abort) {
      const abort = new AbortController();
      this.#abort = abort;
      if (this.#ended) abort.abort(RUN_ENDED);
      else if (this.deadlineAt !== NO_DEADLINE) {
        this.#timer = setTimeout(() => abort.abort(DEADLINE_REACHED), Math.max(0, this.deadlineAt - Date.now()));
        this.#timer.unref();
      }
    }
    return this.#abort.signal;
  }

  race<T>(work: Promise<T>): Promise<T> {
    if (this.#ended) return Promise.reject(RUN_ENDED);
    const waiters = (this.#waiters ??= new Set());
    return new Promise<T>((resolve, reject) => {
      waiters.add(reject);
      work.then(
        (value) => {
          waiters.delete(reject);
          resolve(value);
        },
        (err: unknown) => {
          waiters.delete(reject);
          reject(err);
        },
      );
    });
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#abort?.abort(RUN_ENDED);
    if (this.#waiters) for (const reject of this.#waiters) reject(RUN_ENDED);
    this.#waiters?.clear();
  }
}
