export { runCheck } from './check';
export type { CheckOptions } from './check';
