// How the command talks: human lines on stderr (progress, summary, warnings, errors), stdout kept
// for what a script reads (`--format json`, `--help`, `--version`). `--quiet` keeps only the errors
// and the one-line result. Colour only on a terminal, and never with NO_COLOR (no-color.org).
// Colours are Node's own (util.styleText), applied once colorsFor has decided they are wanted.
import { styleText } from 'node:util';
import { Option, type Command } from 'commander';
import type { Environment } from '../values/parsers';
import { terminalSafe } from '../values/terminal-text';

/** What the command writes to: a process stream, or anything with `write` in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The styles the command uses; each returns its text unchanged when colour is off. */
export interface Colors {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

/** The styles on (ANSI codes, whatever the process's own streams are) or off (plain text). */
export function createColors(enabled: boolean): Colors {
  const style = (format: keyof Colors) => (enabled ? (text: string) => styleText(format, text, { validateStream: false }) : (text: string) => text);
  return { red: style('red'), yellow: style('yellow'), green: style('green'), dim: style('dim') };
}

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputSettings {
  format: OutputFormat;
  quiet: boolean;
}



/** Adds `--format` and `--quiet`, shared by the audit and `merge`. */
export function defineOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'text: the summary for people, on stderr; json: also the run\'s summary as one JSON document on stdout').choices([...OUTPUT_FORMATS]).default('text'))
    .addOption(new Option('-q, --quiet', 'print only errors and the one-line result'));
}

export function readOutputSettings(command: Command): OutputSettings {
  const options = command.opts<{ format?: OutputFormat; quiet?: boolean }>();
  return { format: options.format ?? 'text', quiet: options.quiet === true };
}

/** Colour on a terminal unless NO_COLOR is set to anything but an empty string. */
export function colorsFor(stream: OutputStream, env: Environment): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return createColors(stream.isTTY === true && !noColor);
}

export class CommandOutput {
  readonly colors: Colors;

  constructor(
    readonly stdout: OutputStream,
    readonly stderr: OutputStream,
    readonly settings: OutputSettings,
    env: Environment,
  ) {
    this.colors = colorsFor(stderr, env);
  }

  /** A live progress line makes sense only for a person watching a terminal. */
  get interactive(): boolean {
    return this.stderr.isTTY === true && !this.settings.quiet;
  }

  /** Progress, summaries and other lines for people; dropped with `--quiet`. */
  info(text: string): void {
    if (!this.settings.quiet) this.stderr.write(text);
  }

  warn(message: string): void {
    if (!this.settings.quiet) this.stderr.write(`${this.colors.yellow('warning:')} ${terminalSafe(message)}\n`);
  }

  error(message: string): void {
    this.stderr.write(`${this.colors.red('error:')} ${terminalSafe(message)}\n`);
  }

  /** The one line that says how the run ended, printed even with `--quiet`. */
  result(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** A document for scripts, on stdout (`--format json`). */
  document(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
