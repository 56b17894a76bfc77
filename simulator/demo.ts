// `npm run demo`: the audit command itself (its real main(): flags, the SDK clients with their
// paginators and retries, every report, the dashboard, the comparison with the previous demo run)
// run against the simulated demo organization, so the whole product can be seen without an AWS
// account. Nothing leaves the machine: the simulator answers inside the SDK clients. Extra flags
// are passed on (`npm run demo -- --format json`).
import { RUN_NAME_PATTERN } from '../auditor/reports/file-names';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main, type CliIo } from '../auditor/cli/audit-command';
import { EXIT_USAGE_OR_SETUP } from '../auditor/values/exit-codes';
import type { Environment } from '../auditor/values/parsers';
import { demoExemptionsYaml, demoOrganization, DEMO_ROLE_NAME } from './demo-organization';
import { simulatedClientFactory } from './simulated-aws';

export const DEMO_OUT_DIR = './demo-output';

/**
 * The environment the demo's command sees: the caller's, without what would point the auditor at
 * a real account (profiles, keys, endpoints, the audit's own variables), so that a shell set up
 * for real audits runs the demo unchanged.
 */
export function demoEnvironment(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(AWS_|AUDIT_)/.test(name)));
}

/** `iam_audit_<timestamp>-<run id>.html`, or the timestamp alone (reports of older versions). */
const DASHBOARD_NAME = new RegExp(`^iam_audit_${RUN_NAME_PATTERN}\\.html$`);

async function newestDashboard(outDir: string): Promise<string | null> {
  const names = (await readdir(outDir).catch(() => [] as string[])).filter((name) => DASHBOARD_NAME.test(name)).sort();
  const newest = names[names.length - 1];
  return newest === undefined ? null : path.resolve(outDir, newest);
}

export interface DemoIo extends CliIo {
  stderr?: (text: string) => void;
}

/** Runs the demo; returns the exit code for the process (0 once the reports are written). */
export async function runDemo(argv: readonly string[], io: DemoIo = {}): Promise<number> {
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const org = demoOrganization();
  // The exemptions file has dates relative to today, so it is written for each run.
  const exemptionsDir = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-demo-'));
  const exemptions = path.join(exemptionsDir, 'exemptions.yaml');
  let code: number;
  try {
    await writeFile(exemptions, demoExemptionsYaml());
    const args = ['--role', DEMO_ROLE_NAME, '--out-dir', DEMO_OUT_DIR, '--exemptions', exemptions, ...argv];
    code = await main(args, { ...io, env: demoEnvironment(io.env ?? process.env), clientFactory: () => simulatedClientFactory(org) });
  } finally {
    await rm(exemptionsDir, { recursive: true, force: true });
  }
  if (code === EXIT_USAGE_OR_SETUP) return code;
  // The command's own exit code says the coverage is incomplete (2) or a --fail-on was reached
  // (3): both are what the demo organization is made to show, not a failure of the demo.
  const outDir = argv.includes('--out-dir') ? argv[argv.lastIndexOf('--out-dir') + 1] : DEMO_OUT_DIR;
  const dashboard = await newestDashboard(outDir);
  if (!argv.includes('--quiet') && !argv.includes('-q')) {
    stderr(`\nThis was a simulated organization (exit code ${code}: see docs/audit-command.md#exit-codes).\n`);
    if (dashboard !== null) stderr(`Open the dashboard: ${pathToFileURL(dashboard).href}\n`);
  }
  return 0;
}

