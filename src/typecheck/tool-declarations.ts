import { jsonQuote, toolsDeclaration, type ToolSchemas } from '../describe';

/**
 * Per tool, a generous budget: the checker needs the whole shape, not the shortened one `describe` shows
 * a model. A schema past it is still shortened, and what is left out becomes `any` (below), never an
 * error.
 */
const TOOL_BUDGET_CHARS = 200_000;

/** A name the script writes and the tool it reaches (canonical name differs when it wrote an alias). */
export interface NamedTool {
  written: string;
  tool: ToolSchemas;
}

/**
 * The `ScriptgateTools` entries for the tools a script names, with their argument and result types.
 * Every `unknown` becomes `any`: it stands for what a schema leaves open (no output schema, an open
 * object, a part cut to fit) and reading such a value must never be reported.
 */
export function toolDeclarations(named: readonly NamedTool[]): string {
  const byCanonical = new Map<string, ToolSchemas>();
  for (const { tool } of named) byCanonical.set(tool.name, tool);
  const text = toolsDeclaration([...byCanonical.values()], {
    maxChars: TOOL_BUDGET_CHARS,
    docMaxChars: 0,
    openObjects: true,
    entry: (name, types) => `interface ScriptgateTools { ${jsonQuote(name)}: [${types.args}, ${types.result}] }`,
  });
  const aliases = named.filter((n) => n.written !== n.tool.name).map((n) => `interface ScriptgateTools { ${jsonQuote(n.written)}: ScriptgateTools[${jsonQuote(n.tool.name)}] }`);
  return anyForUnknown([text, ...aliases].join('\n'));
}

/**
 * `unknown` as a type becomes `any`; comments, string literal types and property keys named `unknown`
 * are left as they are. The text is the emitter's own output, so single-quoted strings, double-quoted
 * keys and comments are all there is to step over.
 */
export function anyForUnknown(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '/' && (text[i + 1] === '*' || text[i + 1] === '/')) {
      const end = text[i + 1] === '*' ? text.indexOf('*/', i + 2) + 2 : text.indexOf('\n', i);
      const stop = end <= i ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === 'u' && text.startsWith('unknown', i) && !/[\w$]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i + 7] ?? '') && !/^\s*\??\s*:/.test(text.slice(i + 7, i + 12))) {
      out += 'any';
      i += 7;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
