// The benchmark's flags. Parsed with commander like the audit command, validated before anything
// runs, every error naming its flag.
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../auditor/values/run-limits';
import { ConfigError, parseIntegerInRange } from '../auditor/values/parsers';

export type Strategy = 'auditor' | 'seed';

export const DEFAULT_SEED_SAMPLE = 10;

export interface BenchOptions {
  accounts: number;
  users: number;
  /** Share of users with at least one access key (every fifth of them has two). */
  keyFraction: number;
  /** Share of users with a console password. */
  consoleFraction: number;
  /** Share of users with a virtual MFA device. */
  virtualMfaFraction: number;
  /** Share of users with a hardware token or a security key (never together with a virtual device). */
  hardwareMfaFraction: number;
  /** CloudTrail remediation events per account. */
  events: number;
  latencyMs: number;
  /** Share of all calls answered with throttling (seeded: the same calls every run). */
  throttleRate: number;
  throttleSeed: number;
  /** Accounts audited at once by the auditor; the auditor's default when not given. */
  concurrency: number;
  strategies: Strategy[];
  /** Accounts the seed strategy really audits (never more than the organization has); the rest is extrapolated. */
  seedSample: number;
  /** Write the reports here instead of a temporary directory that is removed afterwards. */
  keepReports: string | null;
  /**
   * Heap limit of each measuring process (`--max-old-space-size`), as a task of a given memory
   * sets it; null: V8's own, which on a large machine lets garbage pile up long before collecting.
   */
  maxHeapMb: number | null;
  /** The auditor also uploads every report to a simulated bucket (`--s3-uri`), as a scheduled task does. */
  s3: boolean;
}

function parseWhole(flag: string, min: number, max: number) {
  return (value: string): number => {
    try {
      return parseIntegerInRange(value, flag, min, max);
    } catch (error) {
      throw error instanceof ConfigError ? new InvalidArgumentError(error.message) : error;
    }
  };
}

function parseFraction(flag: string) {
  return (value: string): number => {
    const parsed = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (Number.isNaN(parsed)) throw new InvalidArgumentError(`${flag}: expected a fraction from 0 to 1, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

function parseStrategies(value: string): Strategy[] {
  switch (value.trim()) {
    case 'auditor':
      return ['auditor'];
    case 'seed':
      return ['seed'];
    case 'both':
      return ['auditor', 'seed'];
    default:
      throw new InvalidArgumentError(`--strategy: expected auditor, seed or both, got ${JSON.stringify(value)}`);
  }
}

export function buildBenchCommand(): Command {
  return new Command('bench')
    .description(
      'Audit a simulated organization with the auditor (the audit command\'s own code path, reports written to a temporary directory) ' +
        'and with the seed script\'s strategy (per-user calls, accounts in series), each in its own process, and print wall time, ' +
        'API calls, calls per account, peak memory, retries and the targets met.',
    )
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .addOption(new Option('--accounts <n>', 'accounts in the organization').default(100).argParser(parseWhole('--accounts', 1, 100000)))
    .addOption(new Option('--users <n>', 'IAM users per account').default(20).argParser(parseWhole('--users', 0, 5000)))
    .addOption(new Option('--key-fraction <f>', 'share of users with access keys').default(0.5).argParser(parseFraction('--key-fraction')))
    .addOption(new Option('--console-fraction <f>', 'share of users with a console password').default(0.5).argParser(parseFraction('--console-fraction')))
    .addOption(new Option('--virtual-mfa <f>', 'share of users with a virtual MFA device').default(0.45).argParser(parseFraction('--virtual-mfa')))
    .addOption(new Option('--hardware-mfa <f>', 'share of users with a hardware token or security key').default(0.05).argParser(parseFraction('--hardware-mfa')))
    .addOption(new Option('--events <n>', 'CloudTrail remediation events per account').default(10).argParser(parseWhole('--events', 0, 100000)))
    .addOption(new Option('--latency-ms <n>', 'latency added to every API call').default(50).argParser(parseWhole('--latency-ms', 0, 60000)))
    .addOption(new Option('--throttle-rate <f>', 'share of calls answered with throttling').default(0).argParser(parseFraction('--throttle-rate')))
    .addOption(new Option('--throttle-seed <n>', 'seed of the throttling draw').default(1).argParser(parseWhole('--throttle-seed', 0, 2 ** 31)))
    .addOption(
      new Option('--concurrency <n>', 'accounts the auditor audits at once')
        .default(DEFAULT_CONCURRENCY, `the auditor's default, ${DEFAULT_CONCURRENCY}`)
        .argParser(parseWhole('--concurrency', 1, MAX_CONCURRENCY)),
    )
    .addOption(new Option('--strategy <which>', 'auditor, seed or both').default(['auditor', 'seed'], 'both').argParser(parseStrategies))
    // The seed strategy takes seconds per account: its default sample keeps a default run short.
    .addOption(
      new Option('--seed-sample <n>', 'accounts the seed strategy audits; its figures for all accounts are extrapolated linearly')
        .default(DEFAULT_SEED_SAMPLE)
        .argParser(parseWhole('--seed-sample', 1, 100000)),
    )
    .addOption(new Option('--s3', 'the auditor also uploads every report to a simulated S3 bucket (--s3-uri), as the scheduled task does').default(false))
    .addOption(new Option('--keep-reports <dir>', 'write the auditor\'s reports here and keep them'))
    .addOption(new Option('--max-heap-mb <n>', 'heap limit of each measuring process (node --max-old-space-size), as a task of that memory would set it').argParser(parseWhole('--max-heap-mb', 64, 65536)));
}

interface ParsedBenchOptions {
  accounts: number;
  users: number;
  keyFraction: number;
  consoleFraction: number;
  virtualMfa: number;
  hardwareMfa: number;
  events: number;
  latencyMs: number;
  throttleRate: number;
  throttleSeed: number;
  concurrency: number;
  strategy: Strategy[];
  seedSample: number;
  keepReports?: string;
  maxHeapMb?: number;
  s3: boolean;
}

/** Parses `argv` (without node and the script); throws commander's error on a bad flag. */
export function parseBenchArgs(argv: readonly string[], command: Command = buildBenchCommand()): BenchOptions {
  command.exitOverride();
  command.parse([...argv], { from: 'user' });
  const parsed = command.opts<ParsedBenchOptions>();
  if (parsed.virtualMfa + parsed.hardwareMfa > 1) {
    throw new InvalidArgumentError(`--virtual-mfa and --hardware-mfa add up to more than 1 (${parsed.virtualMfa} + ${parsed.hardwareMfa})`);
  }
  const seedSample = Math.min(parsed.seedSample, parsed.accounts);
  return {
    accounts: parsed.accounts,
    users: parsed.users,
    keyFraction: parsed.keyFraction,
    consoleFraction: parsed.consoleFraction,
    virtualMfaFraction: parsed.virtualMfa,
    hardwareMfaFraction: parsed.hardwareMfa,
    events: parsed.events,
    latencyMs: parsed.latencyMs,
    throttleRate: parsed.throttleRate,
    throttleSeed: parsed.throttleSeed,
    concurrency: parsed.concurrency,
    strategies: parsed.strategy,
    seedSample,
    keepReports: parsed.keepReports ?? null,
    maxHeapMb: parsed.maxHeapMb ?? null,
    s3: parsed.s3,
  };
}
