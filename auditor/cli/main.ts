// The entry of the esbuild bundle that the container runs (`npm run bundle`): the same main() that
// bin/iam-audit.js starts from the build in dist/ for `npx iam-audit` and `npm run audit`. The exit
// code is left to Node so buffered output is flushed before the process ends.
import { main } from './audit-command';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
