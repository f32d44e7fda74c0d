import { Script } from 'node:vm';

/**
 * acorn parses the newest syntax; the sandbox runs on this process's Node, which may not have it yet
 * (regex modifiers, duplicate regex group names and `using` on Node 22). The gate asks the engine itself, so a
 * newer Node is used as soon as it runs.
 */

/** Why this engine refuses a regex (the sandbox runs on the same Node), or undefined when it compiles. */
export function regexProblem(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (err) {
    return String((err as Error).message).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

const supported = new Map<string, boolean>();
/** Syntax the parser knows but this Node may not compile, tried once per process. */
export function runtimeSupports(feature: 'using'): boolean {
  let yes = supported.get(feature);
  if (yes === undefined) {
    try {
      new Script('{ using resource = null; }');
      yes = true;
    } catch {
      yes = false;
    }
    supported.set(feature, yes);
  }
  return yes;
}

