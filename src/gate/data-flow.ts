import { forEachChild, staticKey, type EsNode } from './estree';

/**
 * Where data read from tools goes, for the risk scorer: which tools' results reach a node, and whether
 * they reach it in bulk (a whole listing, or a collection the script gathered) rather than as one
 * record or a scalar. Names are tracked without scopes, like the rest of the facts: a shadowing local
 * can only over-report, never hide a flow. Every operation is O(1) per node (tool sets are capped), so
 * the walk stays linear.
 */

export interface Flow {
  /** Tools whose results reach here (at most MAX_TOOLS). */
  tools: Set<string>;
  /** A whole listing or a gathered collection reaches here, not just items or fields of one. */
  bulk: boolean;
}

interface Taint extends Flow {
  /** An element of tool data (a loop variable, an iteration callback's parameter): never bulk itself. */
  element: boolean;
}

const MAX_TOOLS = 8;

/** Wrappers that keep what they wrap: a reference inside them is used as it is used outside. */
const TRANSPARENT = new Set(['AwaitExpression', 'ParenthesizedExpression', 'ChainExpression', 'TSNonNullExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion']);
/** Methods whose result is still the whole collection (or all of it, reshaped). */
const WHOLE_METHODS = new Set(['map', 'filter', 'flatMap', 'flat', 'slice', 'concat', 'sort', 'toSorted', 'reverse', 'toReversed', 'join', 'entries', 'values', 'toString', 'toJSON', 'valueOf']);
/** Fields that identify a record rather than describe it: a list of them is references, not records. */
const ID_FIELD = /^(?:id|uuid|key|slug|sku|code|number|ref|[a-z]+(?:Id|_id|Number|_number|Ref))$/;

/** `(x) => x.id`, `(x) => String(x.id)`, `({ id }) => id`: a callback that keeps only an identifier. */
function projectsIdentifier(callback: EsNode | undefined): boolean {
  if (!callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return false;
  let body = callback.body as EsNode;
  if (body.type === 'BlockStatement') {
    const statements = body.body as EsNode[];
    if (statements.length !== 1 || statements[0]!.type !== 'ReturnStatement' || !statements[0]!.argument) return false;
    body = statements[0]!.argument as EsNode;
  }
  if (body.type === 'CallExpression' && (body.callee as EsNode).type === 'Identifier' && (body.arguments as EsNode[]).length === 1) body = (body.arguments as EsNode[])[0]!;
  if (body.type === 'MemberExpression' && body.computed !== true) return ID_FIELD.test(((body.property as EsNode).name as string | undefined) ?? '');
  const param = (callback.params as EsNode[])[0];
  if (body.type === 'Identifier' && param?.type === 'ObjectPattern') return ID_FIELD.test(body.name as string);
  return false;
}

/** Methods that add their arguments to the collection they are called on. */
export const GATHER_METHODS = new Set(['push', 'unshift', 'add', 'set']);
const COLLECTION_PROPS = new Set(['data', 'list', 'content', 'body', 'payload', 'collection', 'page', 'batch', 'keys', 'values', 'entries', 'days', 'photos', 'videos', 'todos', 'repos', 'logs']);
/** Plural-looking words that name one thing. */
const SINGULAR_S = /(?:ss|us|is|as|os|ys)$/i;

/** A property that holds the collection of a result (`page.items`, `res.data`, `r.users`). */
export function isCollectionProp(name: string): boolean {
  return COLLECTION_PROPS.has(name) || (name.length > 2 && /s$/.test(name) && !SINGULAR_S.test(name));
}

/** Words of a tool name that mark a listing: its result is many records. */
const LISTING_WORDS = new Set(['list', 'search', 'query', 'find', 'export', 'dump', 'scan', 'browse', 'select', 'all', 'batch', 'bulk', 'download', 'report', 'paginate', 'many', 'records']);

export function isListingTool(tool: string): boolean {
  for (const word of tool.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)) if (LISTING_WORDS.has(word.toLowerCase())) return true;
  return false;
}

/**
 * Whether the node at the end of `path` is used whole: not narrowed to an element (`x[0]`), a field
 * (`x.total`, `x.length`) or a call of something else on it. `fields[i]` is the slot `path[i]` fills in
 * `path[i - 1]`.
 */
export function wholeUse(path: readonly EsNode[], fields: readonly string[]): boolean {
  for (let i = path.length - 1; i > 0; i--) {
    const parent = path[i - 1]!;
    if (TRANSPARENT.has(parent.type)) continue;
    if (parent.type !== 'MemberExpression' || fields[i] !== 'object') return true;
    const name = parent.computed === true ? staticKey(parent.property as EsNode) : ((parent.property as EsNode).name as string | undefined);
    if (name === undefined) return false;
    if (WHOLE_METHODS.has(name)) {
      const call = path[i - 2];
      if (call?.type !== 'CallExpression' || fields[i - 1] !== 'callee') return false;
      if ((name === 'map' || name === 'flatMap') && projectsIdentifier((call.arguments as EsNode[])[0])) return false;
      i--;
      continue;
    }
    if (!isCollectionProp(name)) return false;
  }
  return true;
}

function merge(into: Flow, from: Flow): void {
  for (const tool of from.tools) {
    if (into.tools.size >= MAX_TOOLS) break;
    into.tools.add(tool);
  }
  if (from.bulk) into.bulk = true;
}

export class DataFlow {
  readonly #taints = new Map<string, Taint>();
  /** One entry per node being visited: what tool data its subtree has seen so far. */
  readonly #frames: (Flow | undefined)[] = [];

  enter(): void {
    this.#frames.push(undefined);
  }

  /** What tool data the node being visited has seen so far (its children visited up to now). */
  current(): Flow | undefined {
    return this.#frames[this.#frames.length - 1];
  }

  /** Ends the node being visited; what it saw flows on to its parent. */
  leave(): void {
    const flow = this.#frames.pop();
    if (flow) this.#note(flow);
  }

  /** The node being visited yields `flow` instead of what its children saw (a tool call's result). */
  replace(flow: Flow): void {
    this.#frames[this.#frames.length - 1] = flow;
  }

  #note(flow: Flow): void {
    const top = this.#frames.length - 1;
    if (top < 0) return;
    const frame = (this.#frames[top] ??= { tools: new Set(), bulk: false });
    merge(frame, flow);
  }

  /** A read of `name`, at the end of `path`. */
  reference(name: string, path: readonly EsNode[], fields: readonly string[]): void {
    const taint = this.#taints.get(name);
    if (!taint) return;
    this.#note({ tools: taint.tools, bulk: taint.bulk && !taint.element && wholeUse(path, fields) });
  }

  /** `name` now holds (also) `flow`; `element`: one item of it. */
  taint(name: string, flow: Flow, element = false): void {
    const known = this.#taints.get(name);
    if (!known) {
      this.#taints.set(name, { tools: new Set(flow.tools), bulk: flow.bulk && !element, element });
      return;
    }
    merge(known, { tools: flow.tools, bulk: flow.bulk && !element });
    known.element &&= element;
  }

  /** Taints every name a binding pattern declares; destructured fields keep bulk only if they are collections. */
  bind(pattern: EsNode | undefined, flow: Flow, element = false): void {
    if (!pattern) return;
    switch (pattern.type) {
      case 'Identifier':
        this.taint(pattern.name as string, flow, element);
        break;
      case 'ObjectPattern':
        for (const p of pattern.properties as EsNode[]) {
          if (p.type === 'RestElement') this.bind(p.argument as EsNode, flow, element);
          else {
            const key = p.computed === true ? undefined : ((p.key as EsNode).name as string | undefined) ?? staticKey(p.key as EsNode);
            this.bind(p.value as EsNode, { tools: flow.tools, bulk: flow.bulk && key !== undefined && isCollectionProp(key) }, element);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of pattern.elements as (EsNode | null)[]) if (e) this.bind(e, flow, e.type !== 'RestElement' || element);
        break;
      case 'AssignmentPattern':
        this.bind(pattern.left as EsNode, flow, element);
        break;
      case 'RestElement':
        this.bind(pattern.argument as EsNode, flow, element);
        break;
      case 'VariableDeclaration':
        for (const d of pattern.declarations as EsNode[]) this.bind(d.id as EsNode, flow, element);
        break;
      case 'MemberExpression':
        // `out[k] = v`, `acc.total = …`: the object gathers what is stored in it.
        this.gather(pattern.object as EsNode, flow, false);
        break;
      default:
        break;
    }
  }

  /**
   * `target` (a name, or the root of a member chain) collects `flow`: `all.push(…)`, `out[k] = …`,
   * `text += …`. Done repeatedly (in a loop) it is a gathered collection, bulk whatever each piece was.
   */
  gather(target: EsNode, flow: Flow, repeated: boolean): void {
    let root = target;
    while (root.type === 'MemberExpression' || TRANSPARENT.has(root.type)) root = (root.type === 'MemberExpression' ? root.object : root.expression) as EsNode;
    if (root.type !== 'Identifier') return;
    this.taint(root.name as string, { tools: flow.tools, bulk: flow.bulk || repeated });
  }
}

/** Literal URLs among a tool call's arguments (string literals and template heads), for the address checks. */
export function urlLiterals(node: EsNode | undefined, cap = 4, budget = 2_000): string[] {
  const found: string[] = [];
  const stack: EsNode[] = node ? [node] : [];
  let seen = 0;
  while (stack.length > 0 && found.length < cap && seen++ < budget) {
    const n = stack.pop()!;
    const text = n.type === 'Literal' && typeof n.value === 'string' ? n.value : n.type === 'TemplateElement' ? (n.value as { cooked?: unknown }).cooked : undefined;
    if (typeof text === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim())) found.push(text.trim().slice(0, 512));
    forEachChild(n, (child) => stack.push(child));
  }
  return found;
}
