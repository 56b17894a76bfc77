// The limits of a run that the command checks its flags against and the deployment its settings
// (infra/config.ts), as plain numbers both can read.
/**
 * Accounts audited at once. Measured with `npm run bench` (1,000 accounts x 50 users, 50 ms per
 * call): 8 take 111 s, just under the 2 minutes aimed at, 16 take 59 s with one core half busy;
 * twice that would about fill the one core of the Fargate task. Each account has its own clients
 * and IAM quota, so more accounts at once does not mean more throttling within one.
 */
export const DEFAULT_CONCURRENCY = 16;
/** More accounts at once only trades throughput for throttling on the management-side STS calls. */
export const MAX_CONCURRENCY = 64;
/** More shards than this would cost more in task start-up than it saves in a run. */
export const MAX_SHARD_COUNT = 100;
/**
 * Seconds ECS waits after its SIGTERM before it kills the auditor's container: the task
 * definition's `stopTimeout` (infra/auditor-task-definition.ts), Fargate's longest. The auditor
 * lets accounts in flight finish for `--stop-grace`, writes every local report, and gives its
 * uploads what is left of this time (run/stop-deadline.ts). ECS's default of 30 s would cut that short.
 */
export const TASK_STOP_TIMEOUT_SECONDS = 120;
/** `--exemption-max-days`: an entry may hold at most this many days after the run's day (analysis/exemption-horizon.ts). */
export const DEFAULT_EXEMPTION_MAX_DAYS = 365;
/** Ten years: a longer limit is a typo, not a policy. */
export const MAX_EXEMPTION_MAX_DAYS = 3650;
