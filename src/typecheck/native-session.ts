/**
 * One native TypeScript compiler process (`typescript` 7, the Go port, through its API) kept warm with
 * four projects: a script read as TypeScript or as JavaScript (checkJs), each against the typed tool
 * world and the untyped one (sandbox-declarations.ts). Files live in a virtual file system this process
 * answers; the compiler's own lib files come from its package. A session is not re-entrant: the caller
 * runs one check at a time.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as NativeAsync from 'typescript-native/unstable/async' with { 'resolution-mode': 'import' };
import type * as NativeFsModule from 'typescript-native/unstable/fs' with { 'resolution-mode': 'import' };
import { SANDBOX_DECLARATIONS, UNTYPED_DECLARATIONS } from './sandbox-declarations';

type NativeApi = typeof NativeAsync;
type NativeFs = typeof NativeFsModule;
type UnionType = NativeAsync.UnionType;

// The compiler's API ships as ES modules only; Node loads them with require(), and so does jest's loader.
const loadModule = createRequire(__filename);

/**
 * The compiler binary, from the platform package its npm package installs beside it. Found here rather
 * than by the package, whose lookup reads `import.meta`, which a CommonJS loader (jest's) does not give.
 */
function compilerPath(): string {
  const fromPackage = createRequire(loadModule.resolve('typescript-native/package.json'));
  const platform = `@typescript/typescript-${process.platform}-${process.arch}`;
  return join(dirname(fromPackage.resolve(`${platform}/package.json`)), 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc');
}
type Api = InstanceType<NativeApi['API']>;
type Snapshot = Awaited<ReturnType<Api['updateSnapshot']>>;

export type ScriptLanguage = 'javascript' | 'typescript';
export type World = 'typed' | 'untyped';

/** A compiler finding in the script, positions in UTF-16 code units of the script text. */
export interface RawDiagnostic {
  code: number;
  start: number;
  end: number;
  message: string;
  /** The compiler's related notes (where an expected type comes from, "did you forget await"). */
  related: string[];
}

/** A virtual root: nothing is read from or written to this path on disk. */
const ROOT = '/scriptgate-typecheck';

/**
 * Chosen so a script models write type-checks the way it runs: strict null checks (a nullable field
 * read without a check is found), implicit `any` allowed to evolve (`const out = []`), no complaint
 * about unreachable code or unused labels; every file a module, so a script's names never meet the
 * declarations' globals.
 */
export const COMPILER_OPTIONS = {
  target: 'esnext',
  module: 'esnext',
  lib: ['esnext'],
  moduleDetection: 'force',
  strict: false,
  strictNullChecks: true,
  noImplicitAny: true,
  allowJs: true,
  checkJs: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  allowUnreachableCode: true,
  allowUnusedLabels: true,
};

const projectDir = (world: World, language: ScriptLanguage): string => `${ROOT}/${world}-${language === 'typescript' ? 'ts' : 'js'}`;
const scriptPath = (world: World, language: ScriptLanguage): string => `${projectDir(world, language)}/script.${language === 'typescript' ? 'ts' : 'js'}`;
const toolsPath = (language: ScriptLanguage): string => `${projectDir('typed', language)}/tools.d.ts`;
const configPath = (world: World, language: ScriptLanguage): string => `${projectDir(world, language)}/tsconfig.json`;

/**
 * The script is checked as the body of an async function, as the sandbox runs it: a top-level `return`
 * is then checked like any other (the compiler skips the expression of a return outside a function).
 * The prefix is a line of its own, so positions move by its length and nothing else.
 */
const BODY_PREFIX = 'async function __scriptgate_main() {\n';
const BODY_SUFFIX = '\n}\n';
/** A `#!` first line (a script saved as a file) is a comment to the gate, and here. */
export const asBody = (source: string): string => BODY_PREFIX + (source.startsWith('#!') ? `//${source.slice(2)}` : source) + BODY_SUFFIX;

const WORLDS: readonly World[] = ['typed', 'untyped'];

const LANGUAGES: readonly ScriptLanguage[] = ['typescript', 'javascript'];

export class NativeSession {
  readonly #api: Api;
  readonly #files: Map<string, string>;
  readonly #process: ChildProcess | undefined;
  /** The compiler's SymbolFlags.Type (names of classes, interfaces, aliases) and TypeFlags.Union. */
  readonly #flags: { typeMeaning: number; union: number };
  #snapshot: Snapshot;
  /** Resolves when the compiler process is gone (killed, crashed or closed). */
  readonly exited: Promise<void>;

  private constructor(api: Api, files: Map<string, string>, snapshot: Snapshot, child: ChildProcess | undefined, flags: { typeMeaning: number; union: number }) {
    this.#api = api;
    this.#flags = flags;
    this.#files = files;
    this.#snapshot = snapshot;
    this.#process = child;
    this.exited = child && child.exitCode === null ? new Promise((resolve) => child.once('exit', () => resolve())) : Promise.resolve();
    // Gone by itself (a crash): nothing more may be written to it (see #stopTalking).
    void this.exited.then(() => this.#stopTalking());
    child?.on('error', () => undefined);
    child?.stdin?.on('error', () => undefined);
  }

  /** Starts the compiler and opens the four projects (about 100 ms; the first check loads the lib). */
  static async start(): Promise<NativeSession> {
    const { API, SymbolFlags, TypeFlags } = loadModule('typescript-native/unstable/async') as NativeApi;
    const { createVirtualFileSystem } = loadModule('typescript-native/unstable/fs') as NativeFs;
    const files = new Map<string, string>([
      [`${ROOT}/sandbox.d.ts`, SANDBOX_DECLARATIONS],
      [`${ROOT}/untyped.d.ts`, UNTYPED_DECLARATIONS],
    ]);
    for (const world of WORLDS) {
      for (const language of LANGUAGES) {
        const own = world === 'typed' ? ['../sandbox.d.ts', 'tools.d.ts'] : ['../untyped.d.ts'];
        files.set(configPath(world, language), JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: [...own, scriptPath(world, language).slice(projectDir(world, language).length + 1)] }));
        files.set(scriptPath(world, language), '');
        if (world === 'typed') files.set(toolsPath(language), '');
      }
    }
    // The virtual file system knows which paths exist; contents are read from `files` as they change.
    const fs = createVirtualFileSystem(Object.fromEntries(files));
    const api = new API({ tsserverPath: compilerPath(), fs: { ...fs, readFile: (name: string) => files.get(name) ?? fs.readFile?.(name) } });
    try {
      const snapshot = await api.updateSnapshot({ openProjects: WORLDS.flatMap((w) => LANGUAGES.map((l) => configPath(w, l))) });
      return new NativeSession(api, files, snapshot, childOf(api), { typeMeaning: SymbolFlags.Type, union: TypeFlags.Union });
    } catch (err) {
      childOf(api)?.kill('SIGKILL');
      throw err;
    }
  }

  /**
   * Puts `source` in both worlds (and `declarations` in the typed one) in one snapshot: the untyped
   * world's program is built only if it is asked for.
   */
  async load(language: ScriptLanguage, source: string, declarations: string): Promise<void> {
    this.#ensureAlive();
    const changed: string[] = [];
    const put = (path: string, text: string): void => {
      if (this.#files.get(path) === text) return;
      this.#files.set(path, text);
      changed.push(path);
    };
    put(toolsPath(language), declarations);
    const body = asBody(source);
    for (const world of WORLDS) put(scriptPath(world, language), body);
    if (changed.length === 0) return;
    const previous = this.#snapshot;
    this.#snapshot = await this.#api.updateSnapshot({ fileChanges: { changed } });
    // Off the check's path; a request that fails here fails on a stopped process, and is not waited for.
    void previous.dispose().catch(() => undefined);
  }

  /** The compiler's semantic findings for the script last loaded, in one world. */
  async diagnose(world: World, language: ScriptLanguage, source: string): Promise<RawDiagnostic[]> {
    const script = scriptPath(world, language);
    const project = this.#snapshot.getProject(configPath(world, language));
    if (!project) throw new Error(`the type checker lost its ${world} ${language} project`);
    this.#ensureAlive();
    const found = await project.program.getSemanticDiagnostics(script);
    const shift = BODY_PREFIX.length;
    return found
      .filter((d) => (d.fileName === undefined || d.fileName === script) && d.pos >= shift && d.pos <= shift + source.length)
      .map((d) => ({ code: d.code, start: d.pos - shift, end: d.end - shift, message: flatten(d.text, d.messageChain), related: (d.relatedInformation ?? []).map((r) => r.text) }));
  }

  /**
   * Property names of a type in the typed script last diagnosed, for suggestions: the type named
   * `typeName` when it is a declared name (`UsersListResult`), else the type of the value at `position`
   * (the object of a property that does not exist). `ofSome`: for a union, the names some of its
   * members have. Undefined when the compiler cannot say.
   */
  async propertiesOf(language: ScriptLanguage, typeName: string, position: number | undefined): Promise<{ all: string[]; ofSome: string[] } | undefined> {
    this.#ensureAlive();
    const project = this.#snapshot.getProject(configPath('typed', language));
    if (!project) return undefined;
    const { checker } = project;
    const script = scriptPath('typed', language);
    // Both asked at once; the declared name wins when there is one.
    const [named, atPosition] = await Promise.all([
      /^[A-Za-z_$][\w$]*$/.test(typeName) ? checker.resolveName(typeName, this.#flags.typeMeaning, { document: script, position: BODY_PREFIX.length }, false).then((symbol) => (symbol ? checker.getDeclaredTypeOfSymbol(symbol) : undefined)) : undefined,
      position === undefined ? undefined : checker.getTypeAtPosition(script, BODY_PREFIX.length + position),
    ]);
    const type = named ?? atPosition;
    if (!type) return undefined;
    const all = (await checker.getPropertiesOfType(type)).map((p) => p.name);
    const ofSome: string[] = [];
    if (type.flags & this.#flags.union) {
      const members = (await (type as UnionType).getTypes()) ?? [];
      for (const list of await Promise.all(members.map((m) => checker.getPropertiesOfType(m)))) ofSome.push(...list.map((p) => p.name));
    }
    return { all, ofSome };
  }

  /** The compiler process (for measuring its memory). */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** Ends the process at once: a check that overran its time may be computing still. */
  kill(): void {
    this.#stopTalking();
    this.#process?.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (!this.#silenced) await this.#api.close().catch(() => undefined);
    this.#stopTalking();
    this.#process?.kill('SIGKILL');
  }

  #silenced = false;

  /**
   * Closes the connection before the process goes, so no request is written to a dead pipe: the
   * connection library (vscode-jsonrpc) turns a failed write into a rejection nobody can handle, besides
   * the one the caller gets. A closed connection refuses requests before writing; pending ones are
   * rejected.
   */
  #stopTalking(): void {
    if (this.#silenced) return;
    this.#silenced = true;
    const connection = (this.#api as unknown as { client?: { connection?: { dispose(): void } } }).client?.connection;
    try {
      connection?.dispose();
    } catch {
      // Already closed.
    }
  }

  #ensureAlive(): void {
    if (this.#silenced) throw new Error('the type checker process was stopped');
  }
}

/** The compiler's messages come as a head and a chain of details; one line each, indented as tsc does. */
function flatten(text: string, chain: readonly { text: string; messageChain?: readonly unknown[] }[] | undefined, depth = 1): string {
  if (!chain || chain.length === 0) return text;
  return [text, ...chain.map((c) => `${'  '.repeat(depth)}${flatten(c.text, c.messageChain as typeof chain, depth + 1)}`)].join('\n');
}

/**
 * The API owns its child process and offers no way to stop one that is busy; its client keeps it in a
 * field, read here so an overrunning check can be ended.
 */
function childOf(api: Api): ChildProcess | undefined {
  const client = (api as unknown as { client?: { process?: ChildProcess } }).client;
  return client?.process;
}
