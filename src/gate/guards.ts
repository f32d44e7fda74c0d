import { type EsNode, call, identifier } from './estree';

/**
 * The run-time guards the transform inserts. Guard state lives in factory locals (see compile.ts wrap),
 * so a guard costs one local decrement; every GUARD_BATCH passes it calls the runtime's tick, which checks
 * the loop budget, the deadline and the cancel flag.
 */

export const RT = Object.freeze({
  callTool: '__sg_callTool',
  countdown: '__sg_c',
  depth: '__sg_d',
  tick: '__sg_tick',
  depthExceeded: '__sg_depth',
  maxDepth: '__sg_maxDepth',
  key: '__sg_key',
});

// Built once; escodegen only reads nodes, so one instance may appear at many places in the tree.
const TICK_GUARD: EsNode = {
  type: 'IfStatement',
  test: {
    type: 'BinaryExpression',
    operator: '<',
    left: { type: 'UpdateExpression', operator: '--', prefix: true, argument: identifier(RT.countdown) },
    right: { type: 'Literal', value: 0 },
  },
  consequent: { type: 'ExpressionStatement', expression: { type: 'AssignmentExpression', operator: '=', left: identifier(RT.countdown), right: call(RT.tick, []) } },
  alternate: null,
};
const DEPTH_GUARD: EsNode = {
  type: 'IfStatement',
  test: { type: 'BinaryExpression', operator: '>', left: { type: 'UpdateExpression', operator: '++', prefix: true, argument: identifier(RT.depth) }, right: identifier(RT.maxDepth) },
  consequent: { type: 'ExpressionStatement', expression: call(RT.depthExceeded, []) },
  alternate: null,
};
const DEPTH_RELEASE: EsNode = {
  type: 'BlockStatement',
  body: [{ type: 'ExpressionStatement', expression: { type: 'UpdateExpression', operator: '--', prefix: false, argument: identifier(RT.depth) } }],
};

export function guardLoop(node: EsNode): void {
  const body = node.body as EsNode;
  node.body = body.type === 'BlockStatement' ? { ...body, body: [TICK_GUARD, ...(body.body as EsNode[])] } : { type: 'BlockStatement', body: [TICK_GUARD, body] };
}

export function guardFunction(node: EsNode): void {
  let body = node.body as EsNode;
  if (body.type !== 'BlockStatement') {
    body = { type: 'BlockStatement', body: [{ type: 'ReturnStatement', argument: body }] };
    node.expression = false;
  }
  // Async functions and generators suspend, so "depth" would count pending calls, not nesting:
  // they get the budget guard only (their synchronous recursion still ends in V8's stack check).
  if (node.async === true || node.generator === true) {
    node.body = { ...body, body: [TICK_GUARD, ...(body.body as EsNode[])] };
    return;
  }
  node.body = {
    type: 'BlockStatement',
    body: [TICK_GUARD, { type: 'TryStatement', block: { type: 'BlockStatement', body: [DEPTH_GUARD, ...(body.body as EsNode[])] }, handler: null, finalizer: DEPTH_RELEASE }],
  };
}

