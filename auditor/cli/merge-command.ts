// `iam-audit merge`: reads the parts that `--shard <i>/<n>` runs wrote, checks that they are every
// shard of one run, and reports the merged run through the same path as a single run (reports,
// analysis, history, notification, exit codes). Nothing is written when a check fails.
import type { Command } from 'commander';
import type { AwsClientFactory } from '../aws/clients';
import { ConfigError, type Environment } from '../values/parsers';
import { readDestinationConfig, type DestinationConfig, type ParsedDestinationOptions } from './destination-flags';
import { formatRunTimestamp, newRunId } from '../run/run-audit';
import { auditRunWith } from '../model';
import { EXIT_USAGE_OR_SETUP } from '../values/exit-codes';
import { loadExemptions, prepareReporting, publishRun } from '../app/publish-run';
import { readReportConfig } from './report-config';
import type { ReportConfig } from '../app/report-options';
import { formatShard } from '../shard/shard';
import { mergeShardParts, parseShardPart, ShardMergeError, type ShardPart } from '../shard/shard-merge';
import { describeShardSource, findShardReports, parseShardSource, type ShardSource } from '../publish/shard-parts';
import type { CommandOutput } from './command-output';
import { errorMessage } from '../values/error-text';
import { plural } from '../values/plural';


export interface MergeConfig extends DestinationConfig {
  sources: ShardSource[];
}

interface ParsedMergeOptions extends ParsedDestinationOptions {
  from?: string[];
}

/** Flags first, then the environment. Throws ConfigError naming the flag or variable. */
export function readMergeConfig(command: Command, env: Environment): MergeConfig {
  const options = command.opts<ParsedMergeOptions>();
  if (options.from === undefined || options.from.length === 0) throw new ConfigError('--from: name at least one directory or s3:// prefix holding the shard parts');
  const sources = options.from.map((value) => parseShardSource(value, '--from'));
  return { sources, ...readDestinationConfig(options, env) };
}

export interface MergeIo {
  env: Environment;
  output: CommandOutput;
  /** Builds the AWS clients (S3 for parts and reports, SNS); throws when it cannot. */
  clients(profile: string | undefined): Promise<AwsClientFactory>;
  /** The merged run's id; default: drawn at random, as a single run's is. */
  runId?: () => string;
}

async function readParts(config: MergeConfig, clients: AwsClientFactory): Promise<ShardPart[]> {
  const runTimestamp = config.runTime === undefined ? undefined : formatRunTimestamp(config.runTime);
  const found = await findShardReports(config.sources, () => clients.s3(), runTimestamp);
  const parts: ShardPart[] = [];
  for (const report of found) {
    let text: string;
    try {
      text = await report.read();
    } catch (error) {
      throw new ShardMergeError(`cannot read ${report.location}: ${errorMessage(error)}`);
    }
    const part = parseShardPart(text, report.location);
    const { name } = report;
    if (name.runTimestamp !== part.run.runTimestamp || name.index !== part.shard.index || name.count !== part.shard.count) {
      throw new ShardMergeError(`${report.location}: its name says shard ${name.index}/${name.count} of run ${name.runTimestamp}, its content shard ${formatShard(part.shard)} of run ${part.run.runTimestamp}`);
    }
    parts.push(part);
  }
  return parts;
}

/** Runs `merge` once its flags are parsed; returns the exit code. */
export async function runMerge(command: Command, io: MergeIo): Promise<number> {
  const fail = (message: string): number => {
    io.output.error(message);
    return EXIT_USAGE_OR_SETUP;
  };
  let config: MergeConfig;
  let reportConfig: ReportConfig;
  try {
    config = readMergeConfig(command, io.env);
    reportConfig = readReportConfig(command, io.env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const prepared = await prepareReporting(config.outDir, reportConfig);
  if ('error' in prepared) return fail(prepared.error);

  let clients: AwsClientFactory;
  try {
    clients = await io.clients(config.profile);
  } catch (error) {
    return fail(`cannot set up the AWS clients: ${errorMessage(error)}`);
  }

  let parts: ShardPart[];
  let run;
  try {
    parts = await readParts(config, clients);
    // The merged run is a run of its own: its name gets an id, as a single run's does.
    const merged = mergeShardParts(parts);
    run = auditRunWith({ ...merged, runId: io.runId?.() ?? newRunId() }, merged.accounts);
  } catch (error) {
    if (error instanceof ShardMergeError) return fail(`merge: ${error.message}`);
    throw error;
  }
  // Read once the parts are: an entry's last day is measured from the merged run's start.
  const loaded = await loadExemptions(reportConfig, clients, new Date(run.startedAt));
  if ('error' in loaded) return fail(loaded.error);
  io.output.info(`merged ${plural(parts.length, 'shard part')} of run ${run.runTimestamp} from ${config.sources.map(describeShardSource).join(', ')}\n`);
  return publishRun(run, { outDir: config.outDir, s3: config.s3, clients, reportConfig, comparedWith: prepared.comparedWith, exemptions: loaded.exemptions, output: io.output });
}
