import type { EsNode } from './estree';

/**
 * What the walk learns about a script for the risk scorer. Facts depend only on the script, so they are
 * cached with the compiled code; the score is computed per request from them, the catalog's tool
 * annotations and the caller's thresholds.
 */

/** A top-level argument value: the literal itself, or a marker for anything computed. */
export type ArgValue = string | number | boolean | null | { dynamic: true };

export interface ToolCallFact {
  /** Literal tool name, or null when computed at run time. */
  tool: string | null;
  line: number;
  column: number;
  /** Inside a loop or an iteration callback (map, forEach, …): the call repeats. */
  inLoop: boolean;
  /** Top-level arguments of an object literal (empty when args are not an object literal). */
  args: Record<string, ArgValue>;
  /** The arguments are built from a variable holding tool results. */
  argsFromToolData: boolean;
  /** Which tools' results reach the arguments, and whether in bulk (see data-flow.ts). */
  dataFrom?: { tools: string[]; bulk: boolean };
  /** Literal URLs among the arguments, at any depth. */
  urls?: string[];
  /** Offsets of the whole call in the script (start, end): where the type check reports argument errors. */
  span: [number, number];
  /** Passes `{ throwOnError: false }`: the script handles the call failing, even for want of the tool. */
  settles?: true;
}

export interface SensitiveFieldFact {
  name: string;
  line: number;
}

export interface ScriptFacts {
  toolCalls: ToolCallFact[];
  sensitiveFields: SensitiveFieldFact[];
}

export const SENSITIVE_FIELD = /^(password|passwd|passphrase|secret|secrets|token|accessToken|refreshToken|apiKey|api_key|privateKey|private_key|ssn|socialSecurityNumber|creditCard|cardNumber|card_number|cvv|cvc|pin|iban)$/i;

/** Argument names that bound how many records a call returns. */
export const LIMIT_ARG = /^(limit|pageSize|page_size|perPage|per_page|count|max|top|size|batchSize|first|last)$/i;

/** Array methods whose callback runs once per element. */
export const ITERATION_METHODS: ReadonlySet<string> = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

export function summariseArgs(node: EsNode | undefined): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  if (!node || node.type !== 'ObjectExpression') return out;
  for (const prop of node.properties as EsNode[]) {
    if (prop.type !== 'Property' || prop.computed === true) continue;
    const key = prop.key as EsNode;
    const name = key.type === 'Identifier' ? (key.name as string) : String(key.value);
    const value = prop.value as EsNode;
    if (value.type === 'Literal' && (value.regex === undefined)) out[name] = value.value as ArgValue;
    else if (value.type === 'UnaryExpression' && value.operator === '-' && (value.argument as EsNode).type === 'Literal') out[name] = -Number((value.argument as EsNode).value);
    else if (value.type === 'TemplateLiteral' && (value.expressions as EsNode[]).length === 0) out[name] = String(((value.quasis as EsNode[])[0]?.value as { cooked?: string }).cooked ?? '');
    else out[name] = { dynamic: true };
  }
  return out;
}
