#!/usr/bin/env node
'use strict';
// Runs the compiled auditor when `npm run build` has produced it and it is not older than the
// TypeScript sources; otherwise the sources themselves, so a checkout updated after a build never
// runs stale code.
const path = require('path');
const fs = require('fs');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'auditor', 'cli', 'audit-command.js');

function newestSourceMtime(directory) {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(entryPath));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(entryPath).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  if (!fs.existsSync(compiled)) return false;
  const sources = path.join(root, 'auditor');
  return !fs.existsSync(sources) || fs.statSync(compiled).mtimeMs >= newestSourceMtime(sources);
}

let cli;
if (compiledIsCurrent()) {
  cli = require(compiled);
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  cli = require(path.join(root, 'auditor', 'cli', 'audit-command.ts'));
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
