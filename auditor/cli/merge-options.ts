// The flags of `iam-audit merge`, apart from the merge itself so that defining the command (which
// `--help` needs) loads nothing that reaches AWS.
import { Command, Option } from 'commander';
import { DEFAULT_OUT_DIR } from './audit-config';
import { parseRunTime, parseS3Uri } from '../values/parsers';
import { singleValueParser } from './flag-parsers';
import { defineOutputOptions } from './command-output';
import { defineReportOptions } from './report-config';
import { ENV_RUN_TIME, ENV_S3_URI } from '../values/environment';
import { MERGE_COMMAND_NAME } from '../values/command-names';

/** Adds `merge` with its flags (the report flags of a normal run included) to the audit command. */
export function defineMergeCommand(program: Command): Command {
  const merge = program
    .command(MERGE_COMMAND_NAME)
    .description(
      'Merge the parts written by `--shard <i>/<n>` runs into the usual reports, as one run over the whole ' +
        'organization would have written them. Exit codes as for a run; 1 also when a part is missing, ' +
        'found twice or does not belong to the same run (nothing is written then).',
    )
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .addOption(new Option('--from <location...>', 'directories or s3://<bucket>/<prefix>/ holding the parts (repeatable; required)'))
    .addOption(new Option('--run-time <iso>', `merge the run with this reference time (the shards' --run-time); needed when the locations hold parts of several runs (env ${ENV_RUN_TIME})`).argParser(singleValueParser('--run-time', (value, source) => parseRunTime(value, source))))
    .addOption(new Option('--profile <name>', 'AWS profile for reading and writing S3 and publishing (default: the SDK default chain)'))
    .addOption(new Option('--out-dir <dir>', 'directory the reports are written to (created if missing)').default(DEFAULT_OUT_DIR))
    .addOption(new Option('--s3-uri <uri>', `also upload every report under s3://<bucket>/<prefix>/<YYYY>/<MM>/<DD>/<timestamp>/ (env ${ENV_S3_URI})`).argParser(singleValueParser('--s3-uri', parseS3Uri)));
  return defineOutputOptions(defineReportOptions(merge));
}

