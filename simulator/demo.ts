// `npm run demo`: the audit command itself (its real main(): flags, the SDK clients with their
// paginators and retries, every report, the dashboard, the comparison with the previous demo run)
// run against the simulated demo organization, so the whole product can be seen without an AWS
// account. Nothing leaves the machine: the simulator answers inside the SDK clients. Extra flags
// are passed on (`npm run demo -- --format json`). As a process (bin/iam-audit-demo.js) it has the
// command's own graceful stop on SIGTERM and Ctrl-C, and exits with the audit's exit code.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { RunResult } from '../auditor/app/run-result';
import { buildAuditCommand, main, type CliIo } from '../auditor/cli/audit-command';
import { runAsProcess } from '../auditor/cli/run-as-process';
import { findPreviousRunInDirectory } from '../auditor/publish/previous-run';
import { formatRunTimestamp } from '../auditor/run/run-audit';
import { errorMessage } from '../auditor/values/error-text';
import { EXIT_USAGE_OR_SETUP, exitCodeMeaning } from '../auditor/values/exit-codes';
import { ConfigError, fromEnvironment, parseIntegerInRange, type Environment } from '../auditor/values/parsers';
import { demoExemptionsYaml, demoOrganization } from './demo-organization';
import { simulatedClientFactory } from './simulated-aws';

export const DEMO_OUT_DIR = './demo-output';
/**
 * The demo's exemptions file, written into the output directory before each run (its dates are
 * relative to the day), so the reports that cite it name a file that is still there.
 */
export const DEMO_EXEMPTIONS_FILE = 'demo-exemptions.yaml';
/** Each simulated call takes this long (ms): time to watch the live line, or to press Ctrl-C. */
export const ENV_DEMO_LATENCY = 'IAM_AUDIT_DEMO_LATENCY_MS';
const MAX_DEMO_LATENCY_MS = 10_000;

/**
 * The environment the demo's command sees: the caller's, without what would point the auditor at
 * a real account (profiles, keys, endpoints, the audit's own variables), so that a shell set up
 * for real audits runs the demo unchanged.
 */
export function demoEnvironment(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(AWS_|AUDIT_)/.test(name)));
}

/** What the demo must know of the flags before the run. */
interface DemoFlags {
  outDir: string;
  shard: boolean;
  exemptions: boolean;
  quiet: boolean;
}

/**
 * The flags as the command's own parser reads them (`--out-dir x`, `--out-dir=x`, the last one
 * given), or null when the command will not run an audit: help, the version, `merge`, a bad flag
 * (which the command then reports itself).
 */
function readDemoFlags(args: readonly string[]): DemoFlags | null {
  const command = buildAuditCommand();
  let invoked: Command = command;
  for (const candidate of [command, ...command.commands]) {
    candidate
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
      .action(() => {
        invoked = candidate;
      });
  }
  try {
    command.parse([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return null;
    throw error;
  }
  if (invoked !== command) return null;
  const options = command.opts<{ outDir: string; shard?: unknown; exemptions?: unknown; quiet?: boolean }>();
  return { outDir: options.outDir, shard: options.shard !== undefined, exemptions: options.exemptions !== undefined, quiet: options.quiet === true };
}

/**
 * Runs the demo; returns the audit command's exit code (2 for the demo organization as it is made:
 * an account without the audit role and one audited in part). The organization is the later one
 * (a key rotated, MFA enabled, a new user) when the output directory already holds a run to
 * compare with.
 */
export async function runDemo(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const given = io.stderr ?? process.stderr;
  const stderr = (text: string): void => void (typeof given === 'function' ? given(text) : given.write(text));
  const env = io.env ?? process.env;
  let latencyMs = 0;
  try {
    const latency = fromEnvironment(env, ENV_DEMO_LATENCY);
    if (latency !== undefined) latencyMs = parseIntegerInRange(latency, ENV_DEMO_LATENCY, 0, MAX_DEMO_LATENCY_MS);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr(`error: ${error.message}\n`);
    return EXIT_USAGE_OR_SETUP;
  }
  const now = (io.now ?? (() => new Date()))();
  const flags = readDemoFlags(['--out-dir', DEMO_OUT_DIR, ...argv]);
  const demoArgs: string[] = [];
  let later = false;
  // A shard reads no exemptions and compares with nothing (merge does both).
  if (flags !== null && !flags.shard) {
    // An unreadable previous run is the command's to report; the demo then starts from the first state.
    later = (await findPreviousRunInDirectory(flags.outDir, formatRunTimestamp(now)).catch(() => null)) !== null;
    if (!flags.exemptions) {
      const exemptions = path.join(flags.outDir, DEMO_EXEMPTIONS_FILE);
      try {
        await mkdir(flags.outDir, { recursive: true });
        await writeFile(exemptions, demoExemptionsYaml(now));
      } catch (error) {
        stderr(`error: cannot write the demo's exemptions file ${exemptions}: ${errorMessage(error)}\n`);
        return EXIT_USAGE_OR_SETUP;
      }
      demoArgs.push('--exemptions', exemptions);
    }
  }
  const org = demoOrganization(now, { later, latencyMs });
  let result: RunResult | undefined;
  const code = await main(['--out-dir', DEMO_OUT_DIR, ...demoArgs, ...argv], {
    ...io,
    env: demoEnvironment(env),
    clientFactory: () => simulatedClientFactory(org),
    onResult: (reported) => {
      result = reported;
    },
  });
  if (result !== undefined && flags?.quiet !== true) {
    const meaning = io.stop?.aborted === true ? 'the run was stopped' : exitCodeMeaning(code);
    stderr(`\nThis was a simulated organization; exit code ${code}${meaning === null ? '' : `: ${meaning}`} (docs/audit-command.md#exit-codes).\n`);
    if (!later) stderr('Run the demo again: the organization will have moved on (a key rotated, MFA enabled, a new user) and the run compares itself with this one.\n');
    if (result.reports.dashboard !== null) stderr(`Open the dashboard: ${pathToFileURL(result.reports.dashboard).href}\n`);
  }
  return code;
}

/** `npm run demo` as a process: the command's signal handling (a graceful stop) and exit code. */
export function runDemoAsProcess(argv: string[]): void {
  runAsProcess(argv, {}, (args, io) => runDemo(args, io));
}
