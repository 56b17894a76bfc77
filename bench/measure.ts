// One strategy, measured in a process of its own so that its memory peak is its own: the
// organization is built, the baseline taken, then the strategy runs while a timer samples the
// heap; the peak RSS is the kernel's high-water mark for the process (getrusage maxrss).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../auditor/cli/audit-command';
import { simulatedClientFactory, type SimulatedOrganization } from '../simulator/simulated-aws';
import type { BenchOptions, Strategy } from './args';
import { benchAccountId, BENCH_NOW, BENCH_ROLE_NAME, buildBenchOrganization, expectedAccount, type ExpectedAccount } from './organization';
import { runSeedStrategy } from './seed-strategy';

/**
 * Calls about the organization as a whole, made once per run rather than per account: the listing,
 * and with `--s3` the reports' upload and the look-up of earlier runs (the auditor's own S3 calls,
 * which the simulator counts against the management account).
 */
export const ORGANIZATION_LEVEL_OPERATIONS: readonly string[] = [
  'ListAccounts',
  'DescribeOrganization',
  'GetCallerIdentity',
  'ListObjectsV2',
  'GetObject',
  'PutObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
];

/**
 * Calls the auditor makes in every account whatever its size: AssumeRole, GenerateCredentialReport
 * twice (start, then COMPLETE), GetCredentialReport, ListVirtualMFADevices, GetAccountSummary,
 * GetAccountPasswordPolicy and the first page of GetAccountAuthorizationDetails.
 */
export const FIXED_CALLS_PER_ACCOUNT = 8;

export interface MemoryFigures {
  /** After loading the code and building the organization, before the strategy starts. */
  baselineRssMb: number;
  baselineHeapMb: number;
  /** The process's peak resident set (kernel high-water mark). */
  peakRssMb: number;
  /** Highest heap in use seen by the sampler (every `sampleEveryMs`). */
  peakHeapMb: number;
  sampleEveryMs: number;
}

export interface AccountCalls {
  accountId: string;
  calls: number;
  /** The calls-per-account bound: 8 + users with keys + users with non-virtual MFA + CloudTrail pages + further GetAccountAuthorizationDetails pages. */
  allowed: number;
}

export interface StrategyResult {
  strategy: Strategy;
  accountsInOrganization: number;
  /** Accounts the strategy really audited (the seed's sample, or all). */
  accountsMeasured: number;
  wallMs: number;
  /** CPU time of the process during the run (user + system): what sizes the Fargate task's CPU. */
  cpuMs: number;
  /** Listing the organization and auditing the accounts, when the strategy tells them apart. */
  listingMs: number | null;
  accountsMs: number | null;
  callsByOperation: Record<string, number>;
  totalCalls: number;
  perAccount: { max: number; mean: number; min: number };
  /** Auditor only: accounts above the bound, and the worst of them. */
  bound: { accountsOver: number; worst: AccountCalls | null } | null;
  throttles: number;
  throttlesByOperation: Record<string, number>;
  /** Error answers other than throttling (none expected). */
  otherErrors: number;
  memory: MemoryFigures;
  outcome: { complete: number; partial: number; notAudited: number; users: number; keys: number; expectedUsers: number; expectedKeys: number };
  exitCode: number | null;
  reportBytes: number | null;
  /**
   * Auditor only: CPU and wall time from the start until the last account's progress line (the
   * collection), the rest being the analysis and the reports (and, with `--s3`, their upload).
   */
  phases: { collectionCpuMs: number; collectionWallMs: number; reportsCpuMs: number; reportsWallMs: number } | null;
}

/** The simulated bucket `--s3` uploads to; it keeps sizes, not bytes, so its objects do not count in the peak. */
export const BENCH_BUCKET = 'bench-reports';

const MB = 1024 * 1024;

function startHeapSampler(everyMs: number): { stop(): number } {
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().heapUsed);
    },
  };
}

function rounded(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Calls per audited account (the first `measured` accounts), organization-level calls and throttled answers left out. */
function accountCalls(org: SimulatedOrganization, measured: number): { accountId: string; calls: number; lookups: number; inventoryPages: number }[] {
  const result: { accountId: string; calls: number; lookups: number; inventoryPages: number }[] = [];
  for (let index = 0; index < measured; index += 1) {
    const accountId = benchAccountId(index);
    const counts = org.callCounts(accountId);
    let calls = 0;
    for (const [operation, count] of Object.entries(counts)) if (!ORGANIZATION_LEVEL_OPERATIONS.includes(operation)) calls += count;
    // A throttled call is answered and retried: the retry is counted, the throttled answer is not,
    // so the figure is the calls the auditor needs whatever the throttling.
    result.push({ accountId, calls: calls - org.throttles(undefined, accountId), lookups: counts.LookupEvents ?? 0, inventoryPages: counts.GetAccountAuthorizationDetails ?? 0 });
  }
  return result;
}

/**
 * The bound for one account: the fixed calls, one per user with keys, one per user whose MFA type
 * only ListMFADevices tells, the CloudTrail pages and the inventory's further pages.
 */
export function allowedCalls(expected: ExpectedAccount, cloudTrailPages: number, inventoryPages = 1): number {
  return FIXED_CALLS_PER_ACCOUNT + expected.usersWithKeys + expected.usersWithNonVirtualMfa + cloudTrailPages + Math.max(0, inventoryPages - 1);
}

interface AuditorRun {
  /** process.cpuUsage() and Date.now() when the last account was reported. */
  collected: { cpu: NodeJS.CpuUsage; at: number } | null;
  exitCode: number;
  outcome: Pick<StrategyResult['outcome'], 'complete' | 'partial' | 'notAudited' | 'users' | 'keys'>;
  reportBytes: number;
}

async function directoryBytes(directory: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(directory)) total += (await stat(path.join(directory, name))).size;
  return total;
}

/** The audit command itself, as the Fargate task runs it, reports written to disk included. */
async function runAuditor(org: SimulatedOrganization, options: BenchOptions): Promise<AuditorRun> {
  const outDir = options.keepReports ?? (await mkdtemp(path.join(os.tmpdir(), 'iam-audit-bench-')));
  const outcome = { complete: 0, partial: 0, notAudited: 0, users: 0, keys: 0 };
  let collected: AuditorRun['collected'] = null;
  const progress = /^\[\d+\/\d+\] \d{12} \S+: (audited|partial|not audited)(?: \((\d+) users?, (\d+) keys?\))?/;
  let pending = '';
  const stderr = (text: string): void => {
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const match = progress.exec(line);
      if (match) {
        if (match[1] === 'audited') outcome.complete += 1;
        else if (match[1] === 'partial') outcome.partial += 1;
        else outcome.notAudited += 1;
        outcome.users += Number(match[2] ?? 0);
        outcome.keys += Number(match[3] ?? 0);
        if (outcome.complete + outcome.partial + outcome.notAudited === options.accounts) collected = { cpu: process.cpuUsage(), at: Date.now() };
      }
      newline = pending.indexOf('\n');
    }
  };
  try {
    const s3 = options.s3 ? ['--s3-uri', `s3://${BENCH_BUCKET}/iam`] : [];
    if (options.s3) org.addBucket(BENCH_BUCKET, { keepBodies: false });
    const exitCode = await main(['--role', BENCH_ROLE_NAME, '--out-dir', outDir, '--concurrency', String(options.concurrency), ...s3], {
      clientFactory: () => simulatedClientFactory(org),
      stderr,
      stdout: () => undefined,
      env: {},
      now: () => BENCH_NOW,
    });
    return { collected, exitCode, outcome, reportBytes: await directoryBytes(outDir) };
  } finally {
    if (options.keepReports === null) await rm(outDir, { recursive: true, force: true });
  }
}

export async function measureStrategy(strategy: Strategy, options: BenchOptions): Promise<StrategyResult> {
  const org = buildBenchOrganization(options, options);
  const sampleEveryMs = 50;
  global.gc?.();
  const baseline = process.memoryUsage();
  const sampler = startHeapSampler(sampleEveryMs);
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  let measured = options.accounts;
  let listingMs: number | null = null;
  let accountsMs: number | null = null;
  let exitCode: number | null = null;
  let reportBytes: number | null = null;
  let outcome: Pick<StrategyResult['outcome'], 'complete' | 'partial' | 'notAudited' | 'users' | 'keys'>;
  let collected: AuditorRun['collected'] = null;
  if (strategy === 'auditor') {
    const run = await runAuditor(org, options);
    collected = run.collected;
    exitCode = run.exitCode;
    reportBytes = run.reportBytes;
    outcome = run.outcome;
  } else {
    measured = options.seedSample;
    const run = await runSeedStrategy(simulatedClientFactory(org), {
      roleName: BENCH_ROLE_NAME,
      accountLimit: measured,
      startTime: new Date(BENCH_NOW.getTime() - 90 * 24 * 60 * 60 * 1000),
      endTime: BENCH_NOW,
    });
    listingMs = run.listingMs;
    accountsMs = run.accountsMs;
    const users = new Set(run.findings.map((finding) => `${finding.accountId}/${finding.userName}`));
    outcome = { complete: run.accountsAudited, partial: 0, notAudited: run.failedAccounts.length, users: users.size, keys: run.findings.length };
  }
  const wallMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);
  let phases: StrategyResult['phases'] = null;
  if (collected !== null) {
    const collectionCpuMs = cpuMs({ user: collected.cpu.user - cpuBefore.user, system: collected.cpu.system - cpuBefore.system });
    phases = { collectionCpuMs, collectionWallMs: collected.at - started, reportsCpuMs: cpuMs(cpu) - collectionCpuMs, reportsWallMs: started + wallMs - collected.at };
  }
  const peakHeap = sampler.stop();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const calls = accountCalls(org, measured);
  let expectedUsers = 0;
  let expectedKeys = 0;
  let accountsOver = 0;
  let worst: AccountCalls | null = null;
  for (const [index, account] of calls.entries()) {
    const expected = expectedAccount(options, index);
    expectedUsers += strategy === 'seed' ? expected.usersWithKeys : expected.users;
    expectedKeys += expected.keys;
    if (strategy !== 'auditor') continue;
    const allowed = allowedCalls(expected, account.lookups, account.inventoryPages);
    if (account.calls > allowed) accountsOver += 1;
    if (worst === null || account.calls - allowed > worst.calls - worst.allowed) worst = { accountId: account.accountId, calls: account.calls, allowed };
  }
  const counts = calls.map((account) => account.calls);
  const throttlesByOperation: Record<string, number> = {};
  let throttles = 0;
  for (const operation of Object.keys(org.callCounts())) {
    const count = org.throttles(operation);
    if (count > 0) throttlesByOperation[operation] = count;
    throttles += count;
  }
  return {
    strategy,
    accountsInOrganization: options.accounts,
    accountsMeasured: measured,
    wallMs,
    cpuMs: cpuMs(cpu),
    phases,
    listingMs,
    accountsMs,
    callsByOperation: org.callCounts(),
    totalCalls: org.calls(),
    perAccount: {
      max: Math.max(...counts),
      min: Math.min(...counts),
      mean: rounded(counts.reduce((total, count) => total + count, 0) / Math.max(1, counts.length), 2),
    },
    bound: strategy === 'auditor' ? { accountsOver, worst } : null,
    throttles,
    throttlesByOperation,
    otherErrors: org.errors() - throttles,
    memory: {
      baselineRssMb: rounded(baseline.rss / MB),
      baselineHeapMb: rounded(baseline.heapUsed / MB),
      peakRssMb: rounded(peakRssMb),
      peakHeapMb: rounded(peakHeap / MB),
      sampleEveryMs,
    },
    outcome: { ...outcome, expectedUsers, expectedKeys },
    exitCode,
    reportBytes,
  };
}
