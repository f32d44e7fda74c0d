/**
 * What a script sees, as the type checker reads it. `callTool` is one generic signature over the
 * `ScriptgateTools` map, which each check's tool declarations extend with the tools the script names:
 * a known name picks its argument and result types, so the compiler's own messages name them
 * ("… does not exist in type 'UsersListArgs'. Did you mean to write 'status'?"); any other name, or
 * an explicit result type (`callTool<Page>(…)`), gets `any` and is never a false error. Overloads
 * would not do: a call that fails the typed one falls through to an untyped one silently.
 */
const SHARED = `
interface ToolCallOptions { throwOnError?: boolean }
declare class ToolError extends Error {
  readonly name: 'ToolError';
  readonly code: string;
  readonly tool: string;
  readonly data?: any;
}
declare const context: { readonly tenantId: string; readonly userId?: string; readonly scopes: readonly string[]; readonly [key: string]: any };
declare function progress(fraction: number, message?: string): void;
interface ScriptConsole {
  log(...data: any[]): void; info(...data: any[]): void; warn(...data: any[]): void; error(...data: any[]): void;
  debug(...data: any[]): void; trace(...data: any[]): void; table(data: any, columns?: string[]): void; dir(item: any, options?: any): void;
  assert(condition?: boolean, ...data: any[]): void; count(label?: string): void; countReset(label?: string): void;
  time(label?: string): void; timeEnd(label?: string): void; timeLog(label?: string, ...data: any[]): void;
  group(...data: any[]): void; groupCollapsed(...data: any[]): void; groupEnd(): void;
}
declare const console: ScriptConsole;
declare function structuredClone<T>(value: T, options?: any): T;
declare function atob(data: string): string;
declare function btoa(data: string): string;
declare class URLSearchParams {
  constructor(init?: string | Record<string, string> | [string, string][] | URLSearchParams);
  readonly size: number;
  append(name: string, value: string): void;
  delete(name: string, value?: string): void;
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string, value?: string): boolean;
  set(name: string, value: string): void;
  sort(): void;
  toString(): string;
  forEach(callback: (value: string, key: string, parent: URLSearchParams) => void): void;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  entries(): IterableIterator<[string, string]>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}
declare class URL {
  constructor(url: string | URL, base?: string | URL);
  static canParse(url: string | URL, base?: string | URL): boolean;
  static parse(url: string | URL, base?: string | URL): URL | null;
  hash: string; host: string; hostname: string; href: string; readonly origin: string; password: string;
  pathname: string; port: string; protocol: string; search: string; readonly searchParams: URLSearchParams; username: string;
  toString(): string;
  toJSON(): string;
}
`;

/** The real declarations: tool types from the `ScriptgateTools` entries of the check's tool file. */
export const SANDBOX_DECLARATIONS = `${SHARED}
interface ScriptgateTools {}
type ToolArgs<N extends string> = N extends keyof ScriptgateTools ? ScriptgateTools[N][0] : any;
type ToolResult<N extends string> = N extends keyof ScriptgateTools ? ScriptgateTools[N][1] : any;
/**
 * Both sides carry both fields, so a script may read \`r.error?.code\` or \`r.data\` before narrowing on
 * \`r.ok\`, as JavaScript allows; \`never\` keeps \`r.data\` typed as the result.
 */
type ToolOutcome<R> = { ok: true; data: R; error?: undefined } | { ok: false; data: never; error: { code: string; message: string; tool: string; data?: any } };
/** \`throwOnError: false\` settles to an outcome; an options value whose flag is not a literal, to any. */
type ToolCallResult<R, O> = O extends { throwOnError: false } ? ToolOutcome<R> : [O] extends [{ throwOnError?: true } | undefined] ? R : any;
/** Arguments may be left out only when the tool requires none. */
type ToolCallRest<N extends string, O> = {} extends ToolArgs<N> ? [args?: ToolArgs<N>, options?: O] : [args: ToolArgs<N>, options?: O];
declare function callTool<R = never, N extends string = string, O extends ToolCallOptions | undefined = undefined>(name: N, ...rest: ToolCallRest<N, O>): Promise<ToolCallResult<[R] extends [never] ? ToolResult<N> : R, O>>;
`;

/**
 * The same world with every tool untyped. A finding of the real check that this one shares is about the
 * script's own code, not about a tool, and is left out: the check reports only what the tools' types
 * reveal, so ordinary JavaScript the compiler would quibble with is never refused.
 */
export const UNTYPED_DECLARATIONS = `${SHARED}
declare function callTool<R = any>(name: string, args?: any, options?: any): Promise<R>;
`;
