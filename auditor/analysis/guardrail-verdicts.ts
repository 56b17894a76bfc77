// What a guardrail verdict says, in words and as a fact the maturity levels rest on. Apart from the
// evaluation (guardrails.ts) so that reading a verdict never loads the policy evaluator.
import type { AccountGuardrails, CentralizedRootRecord, GuardrailVerdict } from '../model';

/** A guardrail as the report's column says it: `enforced`, `enforced except <n> exempted`, `not enforced`, `not applicable` or `unknown`. */
export function guardrailText(verdict: GuardrailVerdict): string {
  switch (verdict.status) {
    case 'enforced':
      return verdict.exemptedUsers.length === 0 ? 'enforced' : `enforced except ${verdict.exemptedUsers.length} exempted`;
    case 'not-enforced':
      return 'not enforced';
    case 'not-applicable':
      return 'not applicable';
    case 'unknown':
      return 'unknown';
  }
}

export function centralizedRootText(record: CentralizedRootRecord): string {
  return record.status.replace('-', ' ');
}

/** Proven denied, exemptions or not: what a maturity level may rest on. */
export function isProvenDenied(verdict: GuardrailVerdict | undefined): boolean {
  return verdict?.status === 'enforced';
}

function verdictEvidence(label: string, verdict: GuardrailVerdict): string {
  const parts = [verdict.detail];
  if (verdict.policyIds.length > 0) parts.push(`by ${verdict.policyIds.join(', ')}`);
  if (verdict.exemptedUsers.length > 0) parts.push(`exempted: ${verdict.exemptedUsers.join(', ')}`);
  return `${label}: ${parts.filter((part) => part !== '').join(' ')}`;
}

/** The evidence column: which policy denies what, who is exempted, and the SCPs in effect per level. */
export function guardrailEvidence(guardrails: AccountGuardrails): string {
  const parts = [
    verdictEvidence('access keys', guardrails.noAccessKeys),
    verdictEvidence('console MFA', guardrails.consoleMfa),
    verdictEvidence('root user', guardrails.rootUser),
    `centralized root: ${guardrails.centralizedRoot.detail}`,
  ];
  if (guardrails.levels !== null) {
    parts.push(`SCPs in effect: ${guardrails.levels.map((level) => `${level.targetId} [${level.policyIds.join(', ')}]`).join(' > ')}`);
  }
  return parts.join('; ');
}
