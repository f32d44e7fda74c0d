import type { TestGateway } from '../helpers/gateway';

// Entity shapes as the demo tools return them.
export type { Invoice, LineItem, Payment, Ticket, User } from '../../demo/catalog/model';

/**
 * Writes a script as it would be sent: backslashes are kept verbatim (regexes read naturally), `\``
 * stands for a backtick and `$\{` for `${` inside the script's own template literals.
 */
export const js = (strings: TemplateStringsArray, ...values: unknown[]): string =>
  String.raw({ raw: strings.raw }, ...values).replace(/\\`/g, '`').replace(/\$\\\{/g, '${');

export interface Page<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}






export interface Sent {
  id: string;
  channel: string;
  to: string;
  subject: string | null;
  body: string;
  payload: Record<string, unknown> | null;
  status: string;
  triggeredBy: string;
  sentAt: string;
}

/** Calls a tool directly (no script, no gate) and returns its result, failing loudly on a tool error. */
export async function invokeOk<T>(g: TestGateway, name: string, input: Record<string, unknown> = {}): Promise<T> {
  const r = await g.gateway.invoke({ name, input });
  if (r.status !== 'ok') throw new Error(`${name} failed: ${JSON.stringify(r)}`);
  return r.result as T;
}

/** Walks every page of a list tool directly. */
export async function invokeAll<T>(g: TestGateway, name: string, input: Record<string, unknown> = {}): Promise<T[]> {
  const all: T[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page: Page<T> = await invokeOk<Page<T>>(g, name, { ...input, limit: 500, offset });
    all.push(...page.items);
    offset = page.nextOffset;
  }
  return all;
}
