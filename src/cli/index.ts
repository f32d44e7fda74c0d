export { runCheck } from './check';
