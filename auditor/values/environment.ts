// The environment variables the auditor reads, in one place: the command falls back to them when a
// flag is not given, and the deployment sets them on the Fargate task (infra/auditor-task-definition.ts),
// so both sides name each variable the same way.
/** `--role-name` */
export const ENV_ROLE_NAME = 'AUDIT_ROLE_NAME';
/** `--concurrency` */
export const ENV_CONCURRENCY = 'AUDIT_CONCURRENCY';
/** `--external-id` */
export const ENV_EXTERNAL_ID = 'AUDIT_EXTERNAL_ID';
/** `--s3-uri` */
export const ENV_S3_URI = 'AUDIT_S3_URI';
/** `--shard` */
export const ENV_SHARD = 'AUDIT_SHARD';
/** `--run-time` */
export const ENV_RUN_TIME = 'AUDIT_RUN_TIME';
/** `--account-timeout` */
export const ENV_ACCOUNT_TIMEOUT = 'AUDIT_ACCOUNT_TIMEOUT';
/** `--stop-grace` */
export const ENV_STOP_GRACE = 'AUDIT_STOP_GRACE';
/** `--exemptions` */
export const ENV_EXEMPTIONS = 'AUDIT_EXEMPTIONS';
/** `--exemption-max-days` */
export const ENV_EXEMPTION_MAX_DAYS = 'AUDIT_EXEMPTION_MAX_DAYS';
/** `--security-hub` */
export const ENV_SECURITY_HUB = 'AUDIT_SECURITY_HUB';
/** `--sns-topic-arn` */
export const ENV_SNS_TOPIC_ARN = 'AUDIT_SNS_TOPIC_ARN';
/** `--setup-timeout` */
export const ENV_SETUP_TIMEOUT = 'AUDIT_SETUP_TIMEOUT';
