import { readFileSync } from 'node:fs';
import type { LoadedConfig } from '../config';
import { checkScript, findingsOf, refuses } from '../gateway';
import { describeRisk } from '../gate';
import { silentLogger } from '../log';

export interface CheckOptions {
  file: string;
  showCode: boolean;
  json: boolean;
  /** Also run the type check against the configured sources' tools, as gate.typecheck: block would. */
  typecheck?: boolean;
  config: LoadedConfig;
  /** Where output goes (stdout by default); injectable for tests. */
  write?: (text: string) => void;
  readStdin?: () => string;
}

/**
 * `scriptgate check <file|-> [--typecheck]`: runs the gate (pre-scan, parse, rules, risk score,
 * transform), and with --typecheck the type check, without executing anything. Exit code 0 when the
 * script would run, 1 when it would be refused.
 */
export async function runCheck(options: CheckOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const source = options.file === '-' ? (options.readStdin ?? (() => readFileSync(0, 'utf8')))() : readFileSync(options.file, 'utf8');
  // Only the gate and the risk score: no executor, queue, Redis or search index is made.
  const checked = await checkScript(options.config, source, silentLogger(), { typecheck: options.typecheck === true });
  if (!('risk' in checked)) {
    const { compiled } = checked;
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
  const { risk, typecheck } = checked;
  const script = checked.compiled.script;
  const typeErrors = typecheck !== undefined && refuses(typecheck);
  const verdict = risk.verdict === 'block' ? 'blocked' : typeErrors ? 'type_error' : 'accepted';
  if (options.json) {
    const typed = typecheck === undefined || typecheck.level === 'off' ? {} : { typecheck: 'skipped' in typecheck ? { skipped: typecheck.skipped } : { diagnostics: findingsOf(typecheck) } };
    write(`${JSON.stringify({ verdict, hash: script.hash, risk, ...typed, warnings: script.warnings, ...(options.showCode ? { code: script.code } : {}) })}\n`);
  } else {
    write(`${{ accepted: 'ACCEPTED', blocked: 'BLOCKED ', type_error: 'TYPE ERROR' }[verdict]}  risk score ${risk.score} (warn at ${options.config.risk.warnAt}, block at ${options.config.risk.blockAt})\n`);
    for (const s of risk.signals) write(`  +${s.points} ${s.id}${s.line ? ` line ${s.line}` : ''}: ${s.message}\n`);
    if (risk.verdict === 'warn') write(`  warning: ${describeRisk(risk)}\n`);
    for (const d of typecheck ? findingsOf(typecheck) : []) {
      write(`  ${d.severity === 'error' ? 'type error' : 'type warning'} ${d.code} line ${d.line}, column ${d.column}: ${d.message}\n`);
      if (d.snippet) write(`    > ${d.snippet}\n`);
    }
    if (typecheck && 'skipped' in typecheck) write(`  warning: type check skipped: ${typecheck.skipped}\n`);
    for (const w of script.warnings) write(`  warning: ${w}\n`);
    if (options.showCode) write(`\n${script.code}\n`);
  }
  return verdict === 'accepted' ? 0 : 1;
}
