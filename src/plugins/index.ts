export { PluginRunner } from './plugin-runner';
