import { readFileSync } from 'node:fs';
import type { LoadedConfig } from '../config';
import { Gateway } from '../gateway';
import { describeRisk } from '../gate';
import { silentLogger } from '../log';

export interface CheckOptions {
  file: string;
  showCode: boolean;
  json: boolean;
  config: LoadedConfig;
  /** Where output goes (stdout by default); injectable for tests. */
  write?: (text: string) => void;
  readStdin?: () => string;
}

/**
 * `scriptgate check <file|->`: runs the gate (pre-scan, parse, rules, risk score, transform) without
 * executing anything. Exit code 0 when the script would run, 1 when it would be refused.
 */
export async function runCheck(options: CheckOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const source = options.file === '-' ? (options.readStdin ?? (() => readFileSync(0, 'utf8')))() : readFileSync(options.file, 'utf8');
  // The catalog supplies tool annotations for the risk score; no executor is started.
  // No search is ranked here, so no embedding model is loaded whatever the strategy.
  const config = { ...options.config, search: { ...options.config.search, strategy: 'tfidf' as const } };
  const gateway = new Gateway({ config, log: silentLogger(), processMetrics: false });
  await gateway.loadSources();
  const compiled = gateway.compiler.compile(source, options.config.effectiveLimits);
  if (!compiled.ok) {
    if (options.json) write(`${JSON.stringify({ verdict: 'rejected', hash: compiled.hash, violations: compiled.violations })}\n`);
    else {
      write(`REJECTED  ${compiled.violations.length} problem(s)\n`);
      for (const v of compiled.violations) {
        write(`  ${v.code} [${v.rule}]${v.line !== undefined ? ` line ${v.line}, column ${v.column}` : ''}: ${v.message}\n`);
        if (v.snippet) write(`    > ${v.snippet}\n`);
        write(`    hint: ${v.hint}\n`);
      }
    }
    return 1;
  }
  const risk = gateway.assessRisk(compiled.script.facts);
  const accepted = risk.verdict !== 'block';
  if (options.json) {
    write(`${JSON.stringify({ verdict: accepted ? 'accepted' : 'blocked', hash: compiled.script.hash, risk, warnings: compiled.script.warnings, ...(options.showCode ? { code: compiled.script.code } : {}) })}\n`);
  } else {
    write(`${accepted ? 'ACCEPTED' : 'BLOCKED '}  risk score ${risk.score} (warn at ${options.config.risk.warnAt}, block at ${options.config.risk.blockAt})\n`);
    for (const s of risk.signals) write(`  +${s.points} ${s.id}${s.line ? ` line ${s.line}` : ''}: ${s.message}\n`);
    if (risk.verdict === 'warn') write(`  warning: ${describeRisk(risk)}\n`);
    for (const w of compiled.script.warnings) write(`  warning: ${w}\n`);
    if (options.showCode) write(`\n${compiled.script.code}\n`);
  }
  return accepted ? 0 : 1;
}
