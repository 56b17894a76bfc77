#!/usr/bin/env node
'use strict';
// `npm run demo`: the audit command against the simulated demo organization (simulator/demo.ts).
const { exitWith, loadBuilt } = require('./built-entry');

exitWith(loadBuilt('simulator/demo').runDemo(process.argv.slice(2)));
