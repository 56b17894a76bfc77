// The entry of the esbuild bundle that the container runs (`npm run bundle`): the same process
// entry that bin/iam-audit.js starts from the build in dist/ for `npm run audit` (and `iam-audit`
// after `npm link`), with the graceful stop on SIGTERM that ECS sends.
import { runAsProcess } from './run-as-process';

runAsProcess(process.argv.slice(2));
