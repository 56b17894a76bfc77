'use strict';
// Type-checking is done once for the whole repository by `tsc --noEmit` (npm test runs it first),
// so the test run itself only transpiles.
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PROJECT = require('path').join(__dirname, 'tsconfig.json');

module.exports = {
  require: ['ts-node/register'],
  extension: ['ts'],
  spec: ['test/**/*.test.ts'],
  reporter: require('path').join(__dirname, 'test', 'support', 'summary-reporter.js'),
  timeout: 60000,
  recursive: true,
};
