import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    return statSync(join(ROOT, rel)).isDirectory() ? sources(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
const imports = (file: string): { spec: string; typeOnly: boolean }[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*?['"]([^'"]+)['"]/gm)].map((m) => ({ spec: m[2]!, typeOnly: Boolean(m[1]) }));

describe('module boundaries', () => {
  test('workers/ load only node built-ins, ses, piscina, each other and the dependency-free protocol module', () => {
    for (const file of sources('workers')) {
      for (const { spec, typeOnly } of imports(file)) {
        const allowed = spec.startsWith('node:') || spec === 'ses' || spec === 'piscina' || spec.startsWith('./') || spec === '../src/executor/protocol' || typeOnly;
        expect({ file, spec, allowed }).toEqual({ file, spec, allowed: true });
      }
    }
  });

  test('the demo catalog uses only the public API (src/index) and its own files, as any tool module would', () => {
    const files = sources('demo');
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const { spec } of imports(file)) {
        const allowed = /^\.\/[\w-]+$/.test(spec) || /^(\.\.\/)+src$/.test(spec) || spec === '../catalog';
        expect({ file, spec, allowed }).toEqual({ file, spec, allowed: true });
      }
    }
  });

  test('the protocol module imports nothing', () => {
    expect(imports('src/executor/protocol.ts')).toEqual([]);
  });

  test('the gate is pure: no I/O modules', () => {
    for (const file of sources('src/gate')) {
      for (const { spec } of imports(file)) expect([file, /^(node:(fs|net|http|child_process|worker_threads)|express|ioredis|bullmq)$/.test(spec)]).toEqual([file, false]);
    }
  });

  test('areas import each other only through their index', () => {
    const areas = readdirSync(join(ROOT, 'src')).filter((name) => statSync(join(ROOT, 'src', name)).isDirectory());
    expect(areas).toEqual(expect.arrayContaining(['cache', 'catalog', 'config', 'describe', 'gate', 'gateway', 'search']));
    const deepImport = new RegExp(`^\\.\\./(?:\\.\\./)*(${areas.join('|')})/(?!index$)`);
    for (const file of sources('src')) {
      for (const { spec } of imports(file)) {
        const deep = deepImport.exec(spec);
        expect({ file, spec, deep: Boolean(deep) }).toEqual({ file, spec, deep: false });
      }
    }
  });

  test('no source file is over 450 lines', () => {
    for (const file of [...sources('src'), ...sources('workers'), ...sources('demo')]) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n').length;
      expect({ file, tooLong: lines > 450 }).toEqual({ file, tooLong: false });
    }
  });
});
