#!/usr/bin/env node
'use strict';
// `npm run demo`: the audit command against the simulated demo organization (simulator/demo.ts),
// as a process with the command's graceful stop on SIGTERM and Ctrl-C and the audit's exit code.
const { loadBuilt } = require('./built-entry');

loadBuilt('simulator/demo').runDemoAsProcess(process.argv.slice(2));
