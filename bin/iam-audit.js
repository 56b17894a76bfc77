#!/usr/bin/env node
'use strict';
// The one way to start the command, for `npm run audit`, `node bin/iam-audit.js` and `iam-audit`
// after `npm link` alike: the build in dist/, or the sources when they changed after it
// (built-entry.js). The container runs the esbuild bundle of the same entry (auditor/cli/main.ts). The entry owns the signals (a graceful stop on
// SIGTERM and SIGINT), the temporary files and the exit code.
const { loadBuilt } = require('./built-entry');

loadBuilt('auditor/cli/run-as-process').runAsProcess(process.argv.slice(2));
