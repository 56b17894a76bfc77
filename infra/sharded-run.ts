// The scheduled run of a sharded deployment (`shards` > 1), as an AWS Step Functions state machine:
// n auditor tasks side by side, each with `--shard i/n`, all with the execution's start time as
// their `--run-time`, writing their parts under `<reports>/shards/`; then one task with `merge`
// that writes the usual reports, history and notification. A pure function of plain values, so the
// tests read the very definition the deployment creates.

import { MERGE_COMMAND_NAME } from '../auditor/values/command-names';
import { ENV_RUN_TIME } from '../auditor/values/environment';

export interface ShardedRunInput {
  shards: number;
  partition: string;
  clusterArn: string;
  taskDefinitionArn: string;
  containerName: string;
  subnetIds: string[];
  securityGroupIds: string[];
  assignPublicIp: boolean;
  /** Where every task writes its local copy (the read-only root file system's scratch volume). */
  outputDir: string;
  /** `s3://<bucket>/reports/shards/`: the parts, each run under its own dated folder. */
  shardsS3Uri: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// State names without blanks or punctuation, as CloudWatch Logs wants them if logging is turned on.
export function shardStateName(index: number, count: number): string {
  return `Shard-${index}-of-${count}`;
}

export const MERGE_STATE_NAME = 'Merge';
export const MERGE_FAILED_STATE_NAME = 'MergeFailed';

function runTaskState(input: ShardedRunInput, command: string[], next: { End: true } | { Next: string }): Record<string, Json> {
  return {
    Type: 'Task',
    Resource: `arn:${input.partition}:states:::ecs:runTask.sync`,
    Parameters: {
      Cluster: input.clusterArn,
      TaskDefinition: input.taskDefinitionArn,
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: input.subnetIds,
          SecurityGroups: input.securityGroupIds,
          AssignPublicIp: input.assignPublicIp ? 'ENABLED' : 'DISABLED',
        },
      },
      Overrides: {
        ContainerOverrides: [{
          Name: input.containerName,
          Command: command,
          // One reference time for every task of the execution: the parts then merge into one run.
          Environment: [{ Name: ENV_RUN_TIME, 'Value.$': '$$.Execution.StartTime' }],
        }],
      },
    },
    // RunTask refused (no Fargate capacity, API throttling): try again before giving up.
    Retry: [{ ErrorEquals: ['ECS.ServerException', 'ECS.ThrottlingException', 'AmazonECS.Unknown'], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2 }],
    ...next,
  };
}

/** The Amazon States Language definition of the sharded run. */
export function shardedRunDefinition(input: ShardedRunInput): Record<string, Json> {
  if (!Number.isInteger(input.shards) || input.shards < 2) throw new Error(`a sharded run needs at least 2 shards, got ${input.shards}`);
  const branches = Array.from({ length: input.shards }, (_, i): Record<string, Json> => {
    const name = shardStateName(i + 1, input.shards);
    const ended = `${name}-ended`;
    const state = runTaskState(input, ['--out-dir', input.outputDir, '--shard', `${i + 1}/${input.shards}`, '--s3-uri', input.shardsS3Uri], { End: true });
    // A shard's failure (its task could not start, or it exited non-zero, as with 2 for an
    // incomplete slice whose part is written all the same) stops neither the other shards nor the
    // merge: the merge decides, and names any part that is missing.
    state.Catch = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.shardError', Next: ended }];
    return { StartAt: name, States: { [name]: state, [ended]: { Type: 'Pass', End: true } } };
  });
  return {
    Comment: `IAM Audit Kit: ${input.shards} shards of one audit run, then the merge into the usual reports`,
    StartAt: 'Shards',
    States: {
      Shards: { Type: 'Parallel', Branches: branches, ResultPath: null, Next: MERGE_STATE_NAME },
      // The task definition's AUDIT_S3_URI and AUDIT_SNS_TOPIC_ARN send the merged reports and the
      // summary where a single task's would go.
      [MERGE_STATE_NAME]: {
        ...runTaskState(input, [MERGE_COMMAND_NAME, '--from', input.shardsS3Uri, '--out-dir', input.outputDir], { Next: 'MergeExitCode' }),
        ResultSelector: { 'ExitCode.$': '$.Containers[0].ExitCode' },
        ResultPath: '$.merge',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mergeError', Next: MERGE_FAILED_STATE_NAME }],
      },
      // A non-zero exit (2 incomplete coverage, 3 --fail-on, 1 no reports) fails the execution, so it
      // shows in the console and in the ExecutionsFailed metric, with one error name whether .sync
      // fails the task for the exit code (the Catch) or hands the exit code on (the Choice).
      MergeExitCode: {
        Type: 'Choice',
        Choices: [{ Variable: '$.merge.ExitCode', NumericEquals: 0, Next: 'Done' }],
        Default: MERGE_FAILED_STATE_NAME,
      },
      [MERGE_FAILED_STATE_NAME]: {
        Type: 'Fail',
        Error: 'MergeFailed',
        Cause: 'iam-audit merge did not exit 0: 2 some accounts were not audited completely, 3 a finding reached --fail-on (the reports are written for both), 1 a part was missing or the reports could not be written, or its task did not run; see the task log',
      },
      Done: { Type: 'Succeed' },
    },
  };
}
