export { runCheck } from './check';
export { nodeVersionProblem } from './node-version';
