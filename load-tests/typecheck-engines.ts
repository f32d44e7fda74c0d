/**
 * `npm run bench:typecheck [-- --runs 400]`: the two TypeScript compilers on the type check's job, same
 * declarations, options and script (a 1 KB script naming three demo tools, each run a new text):
 * - TypeScript 5.9 (the `typescript` package's JS compiler): a program rebuilt from the previous one
 *   with the lib, sandbox and tool files' parsed sources reused, in this thread, as a worker thread
 *   would hold it;
 * - TypeScript 7 (`typescript-native`, the Go compiler) through its API, as the service runs it.
 * Prints cold start, p50/p99 per check, and memory (heap for 5.9, the process's RSS for 7).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import ts from 'typescript';
import { Catalog } from '../src/catalog';
import { loadConfig } from '../src/config';
import { registerLocalSources } from '../src/gateway/gateway-support';
import { toolDeclarations } from '../src/typecheck';
import { COMPILER_OPTIONS, NativeSession, asBody } from '../src/typecheck/native-session';
import { SANDBOX_DECLARATIONS } from '../src/typecheck/sandbox-declarations';
import { typecheckScript } from './bench-tools';
import { numberOption, percentile, round } from './harness';

const RUNS = numberOption('runs', 400);

interface Figures {
  coldMs: number;
  p50: number;
  p99: number;
  memoryMb: number;
  findings: number;
}

async function measure(check: (source: string) => Promise<number> | number): Promise<{ p50: number; p99: number; findings: number }> {
  const script = typecheckScript();
  for (let i = 0; i < 50; i++) await check(`${script}// warm ${i}\n`);
  const times: number[] = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    findings = await check(`${script}// ${i}\n`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), findings };
}

function typescript59(declarations: string): { start: () => void; check: (source: string) => number } {
  const { options } = ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS, '/');
  const texts = new Map([
    ['/check/sandbox.d.ts', SANDBOX_DECLARATIONS],
    ['/check/tools.d.ts', declarations],
  ]);
  const parsed = new Map<string, { text: string; file: ts.SourceFile }>();
  const read = (name: string): string | undefined => {
    if (texts.has(name) || name.startsWith('/check/')) return texts.get(name);
    try {
      return readFileSync(name, 'utf8');
    } catch {
      return undefined;
    }
  };
  const host: ts.CompilerHost = {
    getSourceFile: (name) => {
      const text = read(name);
      if (text === undefined) return undefined;
      const hit = parsed.get(name);
      if (hit?.text === text) return hit.file;
      const file = ts.createSourceFile(name, text, { languageVersion: ts.ScriptTarget.ESNext, impliedNodeFormat: ts.ModuleKind.ESNext }, true);
      parsed.set(name, { text, file });
      return file;
    },
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    writeFile: () => undefined,
    getCurrentDirectory: () => '/check',
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => read(name) !== undefined,
    readFile: read,
  };
  let previous: ts.Program | undefined;
  const check = (source: string): number => {
    texts.set('/check/script.js', asBody(source));
    const program = ts.createProgram({ rootNames: ['/check/sandbox.d.ts', '/check/tools.d.ts', '/check/script.js'], options, host, ...(previous ? { oldProgram: previous } : {}) });
    previous = program;
    return program.getSemanticDiagnostics(program.getSourceFile('/check/script.js')).filter((d) => d.code < 7000 || d.code >= 8000).length;
  };
  return { start: () => check('export {};'), check };
}

async function main(): Promise<void> {
  const catalog = new Catalog();
  await registerLocalSources(catalog, loadConfig({ env: {} }).sources);
  const declarations = toolDeclarations(['users:list', 'invoices:listForUser', 'tickets:listForUser'].map((name) => ({ written: name, tool: catalog.get(name)! })));

  // Run with --expose-gc (npm run bench:typecheck does): heap is compared after full collections.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const js = typescript59(declarations);
  let t = performance.now();
  js.start();
  const jsCold = performance.now() - t;
  const jsRun = await measure((source) => js.check(source));
  collect();
  // The last program (and through it the parsed lib) is still held by `js`: this is what a warm checker keeps.
  const js59: Figures = { coldMs: round(jsCold), ...jsRun, memoryMb: round((process.memoryUsage().heapUsed - heapBefore) / 1e6, 0) };
  js.check('export {};');

  t = performance.now();
  const session = await NativeSession.start();
  await session.load('javascript', 'export {};', declarations);
  await session.diagnose('typed', 'javascript', 'export {};');
  const nativeCold = performance.now() - t;
  const nativeRun = await measure(async (source) => {
    await session.load('javascript', source, declarations);
    return (await session.diagnose('typed', 'javascript', source)).filter((d) => d.code < 7000 || d.code >= 8000).length;
  });
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${session.pid}/status`, 'utf8'))?.[1];
  await session.close();
  const native7: Figures = { coldMs: round(nativeCold), ...nativeRun, memoryMb: round(Number(rss ?? 0) / 1024, 0) };

  console.log(`TypeScript ${ts.version} (JS, program reuse in-thread): cold ${js59.coldMs} ms, p50 ${js59.p50} ms, p99 ${js59.p99} ms, heap +${js59.memoryMb} MB, findings ${js59.findings}`);
  console.log(`TypeScript 7 (native, API):                   cold ${native7.coldMs} ms, p50 ${native7.p50} ms, p99 ${native7.p99} ms, process RSS ${native7.memoryMb} MB, findings ${native7.findings}`);
  console.log(JSON.stringify({ runs: RUNS, typescript59: js59, typescript7: native7 }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
