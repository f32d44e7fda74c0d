import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeVersionProblem } from '../../src/cli';

describe('supported Node versions', () => {
  test('22.13 and later run; older lines are refused with the version they need', () => {
    for (const ok of ['22.13.0', '22.20.1', '24.22.3', '25.0.0']) expect(nodeVersionProblem(ok)).toBeUndefined();
    for (const old of ['20.20.2', '22.12.0', '18.0.0']) expect(nodeVersionProblem(old)).toBe(`needs Node 22.13 or later (Node 24 recommended); this is Node ${old}`);
  });

  test('package.json engines states the same minimum', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=22.13');
  });

  test('the running Node is accepted by the CLI', () => {
    expect(execFileSync(process.execPath, [join(__dirname, '..', '..', 'src', 'main.js'), '--help'], { encoding: 'utf8' })).toMatch(/^scriptgate/);
  });
});
