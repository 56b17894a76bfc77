// A finding's type in the taxonomy security tools share (ASFF's namespace/category/classifier),
// used by the Security Hub import and the OCSF file alike.
import type { Finding } from './finding';

export const BEST_PRACTICES_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';
export const CIS_BENCHMARK_TYPE = 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';

export function findingTypes(finding: Pick<Finding, 'controls'>): string[] {
  return finding.controls.cisV7.length + finding.controls.cisV5.length > 0 ? [BEST_PRACTICES_TYPE, CIS_BENCHMARK_TYPE] : [BEST_PRACTICES_TYPE];
}
