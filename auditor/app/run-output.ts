// What the application writes while it reports a run: the sinks' messages, the one-line result
// and the JSON document for scripts. cli/command-output.ts implements it for a terminal.
import type { Messages } from '../publish/messages';

export interface RunOutput extends Messages {
  readonly settings: { readonly format: string };
  /** The one line that says how the run ended, printed even with `--quiet`. */
  result(line: string): void;
  /** A document for scripts, on stdout (`--format json`). */
  document(value: unknown): void;
}
