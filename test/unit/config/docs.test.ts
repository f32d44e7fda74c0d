import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENV_ALIASES, LIMIT_KEYS, configLeaves } from '../../../src/config';

const DOC = readFileSync(resolve(__dirname, '..', '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
const start = DOC.indexOf('## Configuration');
const section = DOC.slice(start, DOC.indexOf('\n## ', start + 1));

describe('docs/configuration.md "Configuration" documents every setting', () => {
  test.each(configLeaves().filter((l) => l.path[0] !== 'limits').map((l) => [l.path.join('.'), l.envName]))('%s (%s)', (path, envName) => {
    expect(section).toContain(`| \`${path}\` |`);
    expect(section).toContain(`\`${envName}\``);
  });

  test('every limit key is listed for limits.<name>', () => {
    for (const key of LIMIT_KEYS) expect(section).toContain(`\`${key}\``);
  });

  test('every alias is documented', () => {
    for (const alias of Object.keys(ENV_ALIASES)) expect(section).toContain(`\`${alias}\``);
  });
});
