// `npm run bench:startup -- [--runs <n>]`: how long the command takes to answer `--help`, started
// each way it can be, measured as a user sees it (a new process, from spawn to exit), `--runs`
// times each after one warm-up run, one way after the other so that they never share the CPU.
// Node itself starting and doing nothing is measured too: on a loaded machine it is the floor that
// no way of starting the command can go below. The built command is measured with Node's module
// compile cache (bin/built-entry.js enables it; the warm-up run fills it) and without it. `--repo <dir>` measures another checkout (an older
// commit, for a before-and-after figure) with this same benchmark.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { parseIntegerInRange } from '../auditor/values/parsers';
import { singleValueParser } from '../auditor/cli/flag-parsers';

const REPO = path.resolve(__dirname, '..');
/** `--help` of the command users run answers within 150 ms (it was half a second before the writers were kept out of it). */
export const HELP_TARGET_MS = 150;
export const DEFAULT_RUNS = 10;

export interface StartupVariant {
  name: string;
  command: string;
  args: string[];
  /** Environment variables set for it, over the benchmark's own. */
  env?: Record<string, string>;
  /** The variant the target is set for. */
  target?: boolean;
  /** Why it cannot be measured here, when it cannot. */
  missing?: string;
}

export interface StartupFigures {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export function startupVariants(repo: string = REPO): StartupVariant[] {
  const bundle = path.join(repo, 'dist', 'iam-audit.js');
  return [
    { name: 'node -e 0 (Node alone, the floor)', command: process.execPath, args: ['-e', '0'] },
    { name: 'node bin/iam-audit.js --help (the build, with the compile cache)', command: process.execPath, args: [path.join(repo, 'bin', 'iam-audit.js'), '--help'], target: true },
    {
      name: 'node bin/iam-audit.js --help, NODE_DISABLE_COMPILE_CACHE=1 (the build, compiled at every start)',
      command: process.execPath,
      args: [path.join(repo, 'bin', 'iam-audit.js'), '--help'],
      env: { NODE_DISABLE_COMPILE_CACHE: '1' },
    },
    { name: 'npm run audit -- --help', command: 'npm', args: ['run', '--silent', 'audit', '--', '--help'] },
    {
      name: 'node dist/iam-audit.js --help (the container\'s bundle)',
      command: process.execPath,
      args: [bundle, '--help'],
      ...(existsSync(bundle) ? {} : { missing: 'no bundle: run `npm run bundle` first' }),
    },
    { name: 'ts-node auditor/cli/main.ts --help (how npm run audit started before)', command: path.join(repo, 'node_modules', '.bin', 'ts-node'), args: ['--transpile-only', path.join(repo, 'auditor', 'cli', 'main.ts'), '--help'] },
  ];
}

/** Median, min and max of the durations, in whole milliseconds. */
export function summarizeDurations(name: string, durationsMs: readonly number[]): StartupFigures {
  if (durationsMs.length === 0) throw new Error(`${name}: no run to summarize`);
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { name, runs: sorted.length, medianMs: Math.round(median), minMs: Math.round(sorted[0]), maxMs: Math.round(sorted[sorted.length - 1]) };
}

function runOnce(variant: StartupVariant, repo: string): { elapsedMs: number; stderr: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(variant.command, variant.args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...variant.env } });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error !== undefined) throw new Error(`${variant.name}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${variant.name}: exit code ${result.status}: ${result.stderr}`);
  return { elapsedMs, stderr: result.stderr };
}

/** How a variant really started: bin/iam-audit.js says so when it runs the sources instead of the build. */
export function startedFrom(stderr: string): 'the sources' | null {
  if (/running the TypeScript sources instead/.test(stderr)) return 'the sources';
  return null;
}

export function formatStartup(figures: readonly StartupFigures[], skipped: readonly StartupVariant[], target: StartupFigures | undefined): string {
  const width = Math.max(...figures.map((figure) => figure.name.length), 10);
  const lines = [`${'way of starting'.padEnd(width)}  median     min     max  (ms, ${figures[0]?.runs ?? 0} runs each)`];
  for (const figure of figures) lines.push(`${figure.name.padEnd(width)}  ${String(figure.medianMs).padStart(6)}  ${String(figure.minMs).padStart(6)}  ${String(figure.maxMs).padStart(6)}`);
  for (const variant of skipped) lines.push(`${variant.name.padEnd(width)}  not measured: ${variant.missing}`);
  if (target !== undefined) lines.push('', `${target.medianMs < HELP_TARGET_MS ? 'PASS' : 'FAIL'} --help of the built command under ${HELP_TARGET_MS} ms: median ${target.medianMs} ms`);
  return `${lines.join('\n')}\n`;
}

export function parseStartupArgs(argv: readonly string[]): { runs: number; repo: string } {
  const command = new Command('bench:startup')
    .exitOverride()
    .allowExcessArguments(false)
    .addOption(new Option('--runs <n>', `runs of each way of starting, 1-100 (default ${DEFAULT_RUNS})`).argParser(singleValueParser('--runs', (value, source) => parseIntegerInRange(value, source, 1, 100))))
    .addOption(new Option('--repo <dir>', 'the checkout to measure (default: this one)'));
  command.parse([...argv], { from: 'user' });
  const options = command.opts<{ runs?: number; repo?: string }>();
  return { runs: options.runs ?? DEFAULT_RUNS, repo: path.resolve(options.repo ?? REPO) };
}

function main(): void {
  let runs: number;
  let repo: string;
  try {
    ({ runs, repo } = parseStartupArgs(process.argv.slice(2)));
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
  const variants = startupVariants(repo);
  const measurable = variants.filter((variant) => variant.missing === undefined);
  const figures: StartupFigures[] = [];
  let target: StartupFigures | undefined;
  for (const variant of measurable) {
    // Warm-up: the file system cache, not the command, is what a first run measures.
    const warmUp = runOnce(variant, repo);
    const durations = Array.from({ length: runs }, () => runOnce(variant, repo).elapsedMs);
    const from = startedFrom(warmUp.stderr);
    const figure = summarizeDurations(from === null ? variant.name : `${variant.name}, ran ${from}: no current build`, durations);
    figures.push(figure);
    if (variant.target && from === null) target = figure;
    process.stderr.write(`measured ${variant.name}\n`);
  }
  process.stdout.write(formatStartup(figures, variants.filter((variant) => variant.missing !== undefined), target));
}

if (require.main === module) main();
