export { createApp, createRequestHandler } from './app';
export type { AppOptions } from './app';
export { startHttpServer } from './server';
export type { HttpServerOptions, RunningServer } from './server';
