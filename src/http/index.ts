export { startHttpServer } from './server';
export type { RunningServer } from './server';
