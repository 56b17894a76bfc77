#!/usr/bin/env node
'use strict';
// The one way to start the command, for `npx iam-audit` and `npm run audit` alike: the build in
// dist/, or the sources when they changed after it (built-entry.js). The container runs the esbuild
// bundle of the same command (auditor/cli/main.ts calls the same main()).
const { exitWith, loadBuilt } = require('./built-entry');

exitWith(loadBuilt('auditor/cli/audit-command').main(process.argv.slice(2)));
