// The benchmark's printout: what was measured, what was extrapolated, and each target PASS/FAIL.
import type { BenchOptions } from './args';
import type { StrategyResult } from './measure';

/** Targets of the performance issue. */
export const TARGET_WALL_MS = 120_000;
export const TARGET_SPEEDUP = 50;
export const TARGET_PEAK_RSS_MB = 1024;
/** CPU of the whole run at 1,000 x 50, every report written (and uploaded with --s3). */
export const TARGET_CPU_MS = 15_000;
/** Peak RSS at 1,000 x 50. */
export const TARGET_SMALL_PEAK_RSS_MB = 400;

export interface SeedEstimate {
  /** Wall time for every account: the listing, plus the measured accounts' time scaled up. */
  wallMs: number;
  totalCalls: number;
  extrapolated: boolean;
}

/** Accounts in series make the seed's time per account constant up to noise, so scaling is linear. */
export function estimateSeed(result: StrategyResult): SeedEstimate {
  const scale = result.accountsInOrganization / result.accountsMeasured;
  const accountsMs = result.accountsMs ?? result.wallMs;
  const listingMs = result.listingMs ?? 0;
  const perAccountCalls = result.perAccount.mean * result.accountsMeasured;
  const organizationCalls = result.totalCalls - perAccountCalls;
  return {
    wallMs: Math.round(listingMs + accountsMs * scale),
    totalCalls: Math.round(organizationCalls + perAccountCalls * scale),
    extrapolated: result.accountsMeasured < result.accountsInOrganization,
  };
}

export function formatDuration(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}

function operations(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
}

function verdict(check: TargetCheck): string {
  if (!check.applies) return 'INFO';
  return check.pass ? 'PASS' : 'FAIL';
}

export interface TargetCheck {
  target: string;
  pass: boolean;
  /** False when the run is not the scenario the target is set for: the figure is shown, not judged. */
  applies: boolean;
  detail: string;
}

/** The scenarios the issue sets the time and the memory targets for. */
function isScenario(options: BenchOptions, accounts: number, users: number, latencyMs?: number): boolean {
  return options.accounts >= accounts && options.users >= users && (latencyMs === undefined || options.latencyMs >= latencyMs);
}

export function checkTargets(options: BenchOptions, auditor: StrategyResult | undefined, seed: StrategyResult | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  if (auditor) {
    const bound = auditor.bound;
    const worst = bound?.worst;
    checks.push({
      target: 'calls per account <= 8 + users with keys + users with non-virtual MFA + CloudTrail pages + inventory pages after the first',
      pass: bound !== null && bound.accountsOver === 0,
      applies: true,
      detail: worst ? `${bound?.accountsOver ?? 0} accounts over; closest: ${worst.accountId} made ${worst.calls} of ${worst.allowed} allowed` : 'no account',
    });
    checks.push({
      target: `wall time under ${TARGET_WALL_MS / 60000} minutes (the target is for 1,000 x 50 at 50 ms)`,
      pass: auditor.wallMs < TARGET_WALL_MS,
      applies: isScenario(options, 1000, 50, 50) && options.throttleRate === 0,
      detail: formatDuration(auditor.wallMs),
    });
    checks.push({
      target: `CPU of the run at most ${TARGET_CPU_MS / 1000} s (the target is for 1,000 x 50, with or without --s3)`,
      pass: auditor.cpuMs <= TARGET_CPU_MS,
      applies: isScenario(options, 1000, 50) && options.throttleRate === 0,
      detail: `${formatDuration(auditor.cpuMs)}${auditor.phases === null ? '' : ` (collection ${formatDuration(auditor.phases.collectionCpuMs)}, analysis and reports ${formatDuration(auditor.phases.reportsCpuMs)})`}`,
    });
    checks.push({
      target: `peak RSS at most ${TARGET_SMALL_PEAK_RSS_MB} MB (the target is for 1,000 x 50)`,
      pass: auditor.memory.peakRssMb <= TARGET_SMALL_PEAK_RSS_MB,
      applies: isScenario(options, 1000, 50),
      detail: `peak RSS ${auditor.memory.peakRssMb} MB`,
    });
    checks.push({
      target: 'peak memory under 1 GB (the target is for 10,000 x 20)',
      pass: auditor.memory.peakRssMb < TARGET_PEAK_RSS_MB,
      applies: isScenario(options, 10000, 20),
      detail: `peak RSS ${auditor.memory.peakRssMb} MB`,
    });
    const lost = options.accounts - auditor.outcome.complete;
    checks.push({
      target: options.throttleRate > 0 ? 'under throttling: the run completes and no account is lost' : 'every account audited completely',
      pass: lost === 0 && auditor.outcome.users === auditor.outcome.expectedUsers && auditor.outcome.keys === auditor.outcome.expectedKeys,
      applies: true,
      detail:
        `${auditor.outcome.complete} complete, ${auditor.outcome.partial} partial, ${auditor.outcome.notAudited} not audited; ` +
        `${auditor.outcome.users}/${auditor.outcome.expectedUsers} users, ${auditor.outcome.keys}/${auditor.outcome.expectedKeys} keys; exit code ${auditor.exitCode}` +
        (options.throttleRate > 0 ? `; ${auditor.throttles} throttled calls retried` : ''),
    });
  }
  if (auditor && seed) {
    const estimate = estimateSeed(seed);
    const ratio = estimate.wallMs / auditor.wallMs;
    checks.push({
      target: `at least ${TARGET_SPEEDUP}x faster than the seed strategy`,
      pass: ratio >= TARGET_SPEEDUP,
      applies: true,
      detail: `${ratio.toFixed(1)}x (${formatDuration(estimate.wallMs)}${estimate.extrapolated ? ' extrapolated' : ''} / ${formatDuration(auditor.wallMs)})`,
    });
  }
  return checks;
}

export function formatStrategy(result: StrategyResult): string {
  const lines: string[] = [];
  const sample = result.accountsMeasured < result.accountsInOrganization;
  lines.push(`${result.strategy}${sample ? ` (measured on ${result.accountsMeasured} of ${result.accountsInOrganization} accounts)` : ''}`);
  lines.push(`  wall time        ${formatDuration(result.wallMs)} measured${result.listingMs !== null ? ` (listing ${formatDuration(result.listingMs)}, accounts ${formatDuration(result.accountsMs ?? 0)})` : ''}`);
  lines.push(`  CPU time         ${formatDuration(result.cpuMs)} (${Math.round((100 * result.cpuMs) / Math.max(1, result.wallMs))}% of one core over the run)`);
  if (result.phases !== null) {
    const { collectionCpuMs, collectionWallMs, reportsCpuMs, reportsWallMs } = result.phases;
    lines.push(`  by phase         collection CPU ${formatDuration(collectionCpuMs)} (wall ${formatDuration(collectionWallMs)}); analysis and reports CPU ${formatDuration(reportsCpuMs)} (wall ${formatDuration(reportsWallMs)})`);
  }
  if (result.strategy === 'seed') {
    const estimate = estimateSeed(result);
    if (estimate.extrapolated) {
      lines.push(`  wall time        ${formatDuration(estimate.wallMs)} EXTRAPOLATED to ${result.accountsInOrganization} accounts (listing + accounts x ${(result.accountsInOrganization / result.accountsMeasured).toFixed(1)})`);
      lines.push(`  API calls        ${estimate.totalCalls} EXTRAPOLATED (${result.totalCalls} measured)`);
    }
  }
  lines.push(`  API calls        ${result.totalCalls}: ${operations(result.callsByOperation)}`);
  lines.push(`  calls/account    max ${result.perAccount.max}, mean ${result.perAccount.mean}, min ${result.perAccount.min} (organization-level calls and throttled answers not counted)`);
  lines.push(
    `  memory           peak RSS ${result.memory.peakRssMb} MB, peak heap ${result.memory.peakHeapMb} MB (sampled every ${result.memory.sampleEveryMs} ms); ` +
      `before the run: RSS ${result.memory.baselineRssMb} MB, heap ${result.memory.baselineHeapMb} MB (code, SDK, simulated organization)`,
  );
  lines.push(`  throttled calls  ${result.throttles}${result.throttles > 0 ? ` (${operations(result.throttlesByOperation)}), each retried by the SDK` : ''}; other error answers ${result.otherErrors} (NoSuchEntity for a user without a password...)`);
  lines.push(
    `  outcome          ${result.outcome.complete} accounts complete, ${result.outcome.partial} partial, ${result.outcome.notAudited} not audited; ` +
      `${result.outcome.users} users, ${result.outcome.keys} keys reported (expected ${result.outcome.expectedUsers}, ${result.outcome.expectedKeys})` +
      (result.reportBytes !== null ? `; reports ${(result.reportBytes / 1024 / 1024).toFixed(1)} MB` : ''),
  );
  return lines.join('\n');
}

export function formatBench(options: BenchOptions, results: StrategyResult[]): string {
  const auditor = results.find((result) => result.strategy === 'auditor');
  const seed = results.find((result) => result.strategy === 'seed');
  const parts: string[] = [];
  parts.push(
    `organization: ${options.accounts} accounts x ${options.users} users; keys ${options.keyFraction}, console ${options.consoleFraction}, ` +
      `virtual MFA ${options.virtualMfaFraction}, hardware/FIDO MFA ${options.hardwareMfaFraction}; ${options.events} CloudTrail events/account; ` +
      `${options.latencyMs} ms per call; throttling ${options.throttleRate} (seed ${options.throttleSeed}); auditor concurrency ${options.concurrency}; ` +
      `heap limit ${options.maxHeapMb === null ? 'V8 default' : `${options.maxHeapMb} MB`}`,
  );
  for (const result of results) parts.push(formatStrategy(result));
  const checks = checkTargets(options, auditor, seed);
  if (checks.length > 0) parts.push(['targets (INFO: not the scenario the target is set for)', ...checks.map((check) => `  ${verdict(check)}  ${check.target}: ${check.detail}`)].join('\n'));
  return parts.join('\n\n') + '\n';
}
