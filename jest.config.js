/** Tests are compiled by `npm run build` and run from dist/, the same code the service runs. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
