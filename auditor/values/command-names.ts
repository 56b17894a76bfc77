// The auditor's subcommand names, as the command line defines them and the deployment's state
// machine invokes them (infra/sharded-run.ts): a plain constant, so the deployment need not load
// the command to name it.
export const MERGE_COMMAND_NAME = 'merge';
