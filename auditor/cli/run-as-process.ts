// The command as a process: SIGTERM (ECS stopping the task) and SIGINT (Ctrl-C) stop the run
// gracefully, a second signal ends the process at once, and this process's temporary report files
// are removed however it exits (a SIGKILL leaves them to the next run, which removes them).
import { removeOwnTemporaryFiles } from '../publish/sinks/local';
import { main, type CliIo } from './audit-command';
import { EXIT_USAGE_OR_SETUP } from '../values/exit-codes';
import { errorMessage } from '../values/error-text';

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** What runs as the process: the audit command's main(), or a command built on it (the demo). */
export type ProcessMain = (argv: string[], io: CliIo) => Promise<number>;

export function runAsProcess(argv: string[], io: CliIo = {}, start: ProcessMain = main): void {
  // The process's own stderr: these lines are about the process, whatever --quiet says.
  const stderr = (text: string) => void process.stderr.write(text);
  const stop = new AbortController();
  process.on('exit', removeOwnTemporaryFiles);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      stderr(`${signal} again: exiting at once, without the reports\n`);
      process.exit(EXIT_USAGE_OR_SETUP);
    }
    stderr(`${signal}: stopping; no more accounts start, those in flight may finish, then the reports are written\n`);
    // The reason is what a read from S3 cut by the stop says it was abandoned for.
    stop.abort(new Error(`the run was stopped (${signal})`));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  start(argv, { ...io, stop: stop.signal }).then(
    (code) => {
      // A stopped run ends now: accounts given up may still be unwinding, and ECS is counting.
      if (stop.signal.aborted) process.exit(code);
      process.exitCode = code;
    },
    (error: unknown) => {
      stderr(`error: ${errorMessage(error, { withName: false })}\n`);
      process.exitCode = EXIT_USAGE_OR_SETUP;
    },
  );
}
