// The flags of `iam-audit merge`, apart from the merge itself so that defining the command (which
// `--help` needs) loads nothing that reaches AWS.
import { Command, Option } from 'commander';
import { outDirOption, profileOption, runTimeOption, s3UriOption } from './destination-flags';
import { defineOutputOptions } from './command-output';
import { defineReportOptions } from './report-config';
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
    .addOption(runTimeOption("merge the run with this reference time (the shards' --run-time); needed when the locations hold parts of several runs"))
    .addOption(profileOption('reading and writing S3 and publishing'))
    .addOption(outDirOption())
    .addOption(s3UriOption());
  return defineOutputOptions(defineReportOptions(merge));
}

