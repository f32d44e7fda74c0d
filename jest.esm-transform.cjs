/**
 * Jest loads modules through its own CommonJS loader, which cannot require an ES module the way Node
 * (>= 20.19) does. This turns the ES-module-only packages the service requires into CommonJS for tests;
 * the service itself loads them natively. Their dynamic imports (of Node's own modules) become requires,
 * which jest's loader can run without --experimental-vm-modules.
 */
const { transformSync } = require('esbuild-wasm');

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, { format: 'cjs', loader: 'js', sourcefile: sourcePath, sourcemap: 'external', target: 'node20', supported: { 'dynamic-import': false } });
    return { code, map };
  },
};
