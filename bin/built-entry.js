'use strict';
// Loads a module of the kit from the JavaScript that `npm ci` builds into dist/ (the `prepare`
// script), so the command starts without a compiler. A checkout whose sources changed after that
// build never runs stale code: the TypeScript sources are run through ts-node instead (slower to
// start), and the command says so and how to rebuild.
const path = require('path');
const fs = require('fs');
const nodeModule = require('module');

// Node's module compile cache (Node 22.1 and later): the V8 code of every module the command loads
// is kept on disk (in the system's temporary directory, or NODE_COMPILE_CACHE's) and reused by the
// next start instead of compiling it again. NODE_DISABLE_COMPILE_CACHE=1 turns it off. Guarded, so
// that a Node without it starts as before, and a cache that cannot be written is only not used.
if (typeof nodeModule.enableCompileCache === 'function') {
  try {
    nodeModule.enableCompileCache();
  } catch {
    // no cache: the modules are compiled as without it
  }
}

const root = path.join(__dirname, '..');
/** What the build compiles (tsconfig.build.json's `include`): folders, and the exemptions format the auditor reads from the pack. */
const SOURCE_DIRECTORIES = ['auditor', 'simulator', 'policy-pack/exemptions-format.ts'];

/** The newest TypeScript source under `directory` (or the file itself) and its modification time. */
function newestSource(directory) {
  if (!fs.statSync(directory).isDirectory()) return { mtimeMs: fs.statSync(directory).mtimeMs, file: directory };
  let newest = { mtimeMs: 0, file: null };
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      const inner = newestSource(entryPath);
      if (inner.mtimeMs > newest.mtimeMs) newest = inner;
    } else if (entry.name.endsWith('.ts')) {
      const mtimeMs = fs.statSync(entryPath).mtimeMs;
      if (mtimeMs > newest.mtimeMs) newest = { mtimeMs, file: entryPath };
    }
  }
  return newest;
}

/** Null when the build of `compiled` can run; otherwise why not. */
function buildProblem(compiled) {
  if (!fs.existsSync(compiled)) return 'there is no build in dist/';
  const builtAt = fs.statSync(compiled).mtimeMs;
  for (const directory of SOURCE_DIRECTORIES) {
    const sources = path.join(root, directory);
    if (!fs.existsSync(sources)) continue;
    const newest = newestSource(sources);
    if (newest.mtimeMs > builtAt) return `${path.relative(root, newest.file)} changed after the build in dist/`;
  }
  return null;
}

/** The exports of `<module>` (like `auditor/cli/audit-command`), built or, when stale, from its sources. */
function loadBuilt(modulePath) {
  const compiled = path.join(root, 'dist', `${modulePath}.js`);
  const problem = buildProblem(compiled);
  if (problem === null) return require(compiled);
  process.stderr.write(`iam-audit: ${problem}; running the TypeScript sources instead (slower to start). Run \`npm run build\` to rebuild.\n`);
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  return require(path.join(root, `${modulePath}.ts`));
}

module.exports = { loadBuilt };
