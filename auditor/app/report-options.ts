// What the command asks of a finished run's reporting (thresholds, comparison, --fail-on,
// notification, exemptions, Security Hub), validated by cli/report-config.ts; the application
// takes it as it is.
import type { FindingThresholds, Severity } from '../analysis/findings';
import type { ExemptionsSource } from '../publish/exemptions-source';

export interface ReportConfig {
  thresholds: FindingThresholds;
  /** `--compare`: a previous iam_audit_*.json on disk. */
  comparePath?: string;
  /**
   * Without `--compare`, the newest earlier JSON report (in the bucket with `--s3-uri`, else in
   * `--out-dir`) is compared with; `--no-compare` turns that off.
   */
  findPrevious: boolean;
  /** `--fail-on`: exit 3 when a finding is at or above this severity. */
  failOn?: Severity;
  snsTopicArn?: string;
  /** `--exemptions`: the exemptions file, on disk or in S3 (read before the audit starts). */
  exemptions?: ExemptionsSource;
  /** `--exemption-max-days`: an entry ending later than this many days after the run is refused. */
  exemptionMaxDays: number;
  /** `--security-hub`: import the findings into Security Hub in the auditor's account and region. */
  securityHub: boolean;
}
