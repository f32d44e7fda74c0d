/** Tests are compiled by `npm run build` and run from dist/, the same code the service runs. */
/** Packages that ship only as ES modules; see jest.esm-transform.cjs. */
const ESM_ONLY = ['@sveltejs/acorn-typescript', '@apidevtools/json-schema-ref-parser', 'typescript-native'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 30000,
  maxWorkers: 2,
  transform: {
    [`node_modules/(?:${ESM_ONLY.join('|')})/.+\\.js$`]: '<rootDir>/jest.esm-transform.cjs',
  },
  transformIgnorePatterns: [`/node_modules/(?!(?:${ESM_ONLY.join('|')})/)`],
};
