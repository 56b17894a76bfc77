// findings_<ts>.csv: one row per finding, worst first, through the shared formula-safe CSV writer.
import type { Finding } from '../findings';
import { toCsv } from './csv';

export const FINDINGS_CSV_HEADER = [
  'severity', 'rule_id', 'title', 'account_id', 'account_name', 'resource_type', 'resource', 'evidence', 'remediation', 'cis', 'security_hub', 'smm',
] as const;

export function findingsCsv(findings: readonly Finding[]): string {
  return toCsv(FINDINGS_CSV_HEADER, findings.map((finding) => [
    finding.severity,
    finding.ruleId,
    finding.title,
    finding.accountId,
    finding.accountName,
    finding.resourceType,
    finding.resource,
    finding.evidence,
    finding.remediation,
    finding.controls.cis.join(' '),
    finding.controls.securityHub.join(' '),
    finding.controls.smm.join('; '),
  ]));
}
