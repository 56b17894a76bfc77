// The executable entry (`npm run audit`, the bundle, the container): runs the command and leaves
// the exit code to Node so buffered output is flushed before the process ends.
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
