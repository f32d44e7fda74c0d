/**
 * Jest loads modules through its own CommonJS loader, which cannot require an ES module the way Node
 * (>= 20.19) does. This turns the ES-module-only packages the service requires into CommonJS for tests;
 * the service itself loads them natively.
 */
const { transformSync } = require('esbuild-wasm');

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, { format: 'cjs', loader: 'js', sourcefile: sourcePath, sourcemap: 'external', target: 'node20' });
    return { code, map };
  },
};
