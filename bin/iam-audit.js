#!/usr/bin/env node
'use strict';
// Runs the compiled auditor when `npm run build` has produced it, otherwise the TypeScript sources.
const path = require('path');
const fs = require('fs');

const compiled = path.join(__dirname, '..', 'dist', 'auditor', 'cli.js');
let cli;
if (fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  cli = require(path.join(__dirname, '..', 'auditor', 'cli.ts'));
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
