import type { EditList } from './edits';
import type { EsNode } from './estree';
import { skipTrivia } from './typescript';

/**
 * The run-time guards the transform inserts, as source text. Guard state lives in factory locals (see
 * compile.ts wrap), so a guard costs one local decrement; every GUARD_BATCH passes it calls the runtime's
 * tick, which checks the loop budget, the deadline and the cancel flag. Guards contain no line break, so
 * inserting them keeps every line of the script where it was.
 */

export const RT = Object.freeze({
  countdown: '__sg_c',
  depth: '__sg_d',
  tick: '__sg_tick',
  depthExceeded: '__sg_depth',
  maxDepth: '__sg_maxDepth',
});

const TICK = `if(--${RT.countdown}<0)${RT.countdown}=${RT.tick}();`;
const DEPTH_ENTER = `try{if(++${RT.depth}>${RT.maxDepth})${RT.depthExceeded}();`;
const DEPTH_LEAVE = `}finally{${RT.depth}--}`;

/** A countdown at the top of every loop body; a single-statement body becomes a block. */
export function guardLoop(node: EsNode, edits: EditList): void {
  const body = node.body as EsNode;
  // A limit tripped inside the guard is reported at the loop itself.
  if (body.type === 'BlockStatement') {
    edits.insert(body.start! + 1, TICK, node.start);
  } else {
    edits.insert(body.start!, `{${TICK}`, node.start);
    edits.insert(body.end!, '}');
  }
}

/**
 * A countdown at every function entry, and call-depth accounting for synchronous functions. Async
 * functions and generators suspend, so "depth" would count pending calls, not nesting: they get the
 * countdown only (their synchronous recursion still ends in V8's stack check).
 */
export function guardFunction(node: EsNode, source: string, edits: EditList): void {
  const body = node.body as EsNode;
  const suspends = node.async === true || node.generator === true;
  if (body.type === 'BlockStatement') {
    edits.insert(body.start! + 1, suspends ? TICK : TICK + DEPTH_ENTER, node.start);
    if (!suspends) edits.insert(body.end! - 1, DEPTH_LEAVE);
    return;
  }
  // An expression body: `x => expr` becomes `x => {…return expr}`. `return` goes right before the body
  // (or its first parenthesis: acorn's body range excludes them, the arrow's includes them), never on a
  // line of its own, where it would return undefined.
  const start = skipTrivia(source, arrowEnd(node, body, source));
  edits.insert(start, suspends ? `{${TICK}return ` : `{${TICK}${DEPTH_ENTER}return `, node.start);
  edits.insert(node.end!, suspends ? '}' : `${DEPTH_LEAVE}}`);
}

/** The offset just after the `=>` of an arrow function with an expression body. */
function arrowEnd(node: EsNode, body: EsNode, source: string): number {
  // Usually only spaces and `(` separate the arrow from its body: walk back over them.
  let at = body.start!;
  while (at > node.start! && /[\s(]/.test(source[at - 1]!)) at--;
  if (source[at - 1] === '>' && source[at - 2] === '=') return at;
  // Comments in between: walk forward from the parameters instead, over trivia, to the arrow.
  const params = node.params as EsNode[];
  let pos = params.length > 0 ? params[params.length - 1]!.end! : node.start!;
  for (;;) {
    pos = skipTrivia(source, pos);
    if (source.startsWith('=>', pos)) return pos + 2;
    if (pos >= body.start!) return body.start!;
    pos++;
  }
}
