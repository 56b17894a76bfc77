// What each rule means, once: its title, the severities it can give, the controls it maps to and
// how to fix it. The rules and the reports read it from here; docs/findings.md lists the same rules
// for readers (a test keeps the two in step).
import type { ControlMapping } from './finding';
import type { FindingThresholds } from './thresholds';
import { plural } from '../../values/plural';

export const RULE_IDS = [
  'console-user-without-mfa',
  'access-key-very-old',
  'access-key-not-rotated',
  'credentials-unused',
  'access-key-never-used',
  'user-with-two-active-keys',
  'root-access-key-active',
  'root-without-mfa',
  'root-virtual-mfa-only',
  'root-signing-certificate-active',
  'access-key-quarantined',
  'privileged-user-access-key',
  'user-policy-attached-directly',
  'password-policy-weak',
  'admin-policy-attached',
  'role-unused',
  'role-trusts-outside-organization',
  'cross-account-admin-path',
  'account-not-audited',
  'account-partially-audited',
  'exemption-expired',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface RuleDescription {
  id: RuleId;
  /**
   * What a reader of a report sees. Limits are said in days, as the run judged them, not as the
   * flag that set them: a report is read by people who never saw the command line.
   */
  title(thresholds: FindingThresholds): string;
  /** The severities the rule can give, worst first, and when. */
  severity: string;
  controls: ControlMapping;
  remediation: string;
}

const SMM_MFA = 'Phase 1: Multi-Factor Authentication';
const SMM_TEMPORARY_CREDENTIALS = 'Phase 2: Use Temporary Credentials';

export const RULE_CATALOGUE: Readonly<Record<RuleId, RuleDescription>> = {
  'console-user-without-mfa': {
    id: 'console-user-without-mfa',
    title: () => 'Console user without MFA',
    severity: 'critical when the password was used within --recent-login-days or the user is admin or can-escalate, else high',
    controls: { cisV7: ['2.10'], cisV5: ['1.9'], securityHub: ['IAM.5', 'IAM.19'], smm: [SMM_MFA] },
    remediation: 'Enable MFA for the user (a FIDO security key where possible) or remove the console password; enforce MFA with a deny on aws:MultiFactorAuthPresent.',
  },
  'access-key-very-old': {
    id: 'access-key-very-old',
    title: ({ keyCriticalAgeDays }) => `Active access key older than ${plural(keyCriticalAgeDays, 'day')}`,
    severity: 'high',
    controls: { cisV7: ['2.12'], cisV5: ['1.13'], securityHub: ['IAM.3'], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Replace the key with a role (temporary credentials); if a key is unavoidable, create a new one, move the caller to it and delete the old key.',
  },
  'access-key-not-rotated': {
    id: 'access-key-not-rotated',
    title: ({ keyMaxAgeDays }) => `Active access key older than ${plural(keyMaxAgeDays, 'day')}`,
    severity: 'medium',
    controls: { cisV7: ['2.12'], cisV5: ['1.13'], securityHub: ['IAM.3'], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Rotate the key (create, switch the caller, delete the old one), or better, move the caller to a role.',
  },
  'credentials-unused': {
    id: 'credentials-unused',
    title: ({ unusedDays }) => `Password or access key unused for ${plural(unusedDays, 'day')} or more`,
    severity: 'medium',
    controls: { cisV7: ['2.11'], cisV5: ['1.11'], securityHub: ['IAM.22', 'IAM.8'], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Deactivate the unused key or remove the unused console password; delete them once nothing breaks.',
  },
  'access-key-never-used': {
    id: 'access-key-never-used',
    title: () => 'Active access key never used',
    severity: 'medium when created more than --unused-days ago, else low',
    controls: { cisV7: ['2.11'], cisV5: ['1.10', '1.11'], securityHub: ['IAM.22'], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Delete the key: nothing depends on it. Do not create keys during user setup.',
  },
  'user-with-two-active-keys': {
    id: 'user-with-two-active-keys',
    title: () => 'User with two active access keys',
    severity: 'low',
    controls: { cisV7: [], cisV5: ['1.12'], securityHub: [], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Finish the rotation: deactivate and delete the key that is no longer used.',
  },
  'root-access-key-active': {
    id: 'root-access-key-active',
    title: () => 'Root user access key active',
    severity: 'critical',
    controls: { cisV7: ['2.4'], cisV5: ['1.3'], securityHub: ['IAM.4'], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Delete the root access keys (Security credentials page of the root user); use roles instead.',
  },
  'root-without-mfa': {
    id: 'root-without-mfa',
    title: () => 'Root user without MFA',
    severity: 'critical',
    controls: { cisV7: ['2.5'], cisV5: ['1.4'], securityHub: ['IAM.9'], smm: [SMM_MFA] },
    remediation: 'Register an MFA device for the root user (a hardware or FIDO key), or centralise root access and remove the root password.',
  },
  'root-virtual-mfa-only': {
    id: 'root-virtual-mfa-only',
    title: () => 'Root user protected by a virtual MFA device only',
    severity: 'low',
    controls: { cisV7: ['2.6'], cisV5: ['1.5'], securityHub: ['IAM.6'], smm: [SMM_MFA] },
    remediation: 'Register a hardware or FIDO security key for the root user and keep it in a safe place.',
  },
  'root-signing-certificate-active': {
    id: 'root-signing-certificate-active',
    title: () => 'Root user signing certificate active',
    severity: 'medium',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Delete the root user\'s X.509 signing certificates; they are long-lived credentials.',
  },
  'access-key-quarantined': {
    id: 'access-key-quarantined',
    title: () => 'User quarantined by AWS for an exposed access key',
    severity: 'critical',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'AWS found a key of this user exposed (a code repository, a public post): deactivate and delete the key, review CloudTrail for its use since it leaked, then detach the AWSCompromisedKeyQuarantine policy; move the caller to a role.',
  },
  'privileged-user-access-key': {
    id: 'privileged-user-access-key',
    title: () => 'Administrator or escalation-capable user with an active access key',
    severity: 'critical when the key is older than --key-critical-age-days, else high',
    controls: { cisV7: ['2.12', '2.14'], cisV5: ['1.13', '1.15'], securityHub: ['IAM.1', 'IAM.3'], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Give the administrator work to a role assumed with MFA (or IAM Identity Center) and delete the key; if the key must stay, take the administrator permissions off the user and leave it only what the caller of the key needs.',
  },
  'user-policy-attached-directly': {
    id: 'user-policy-attached-directly',
    title: () => 'Policy attached to a user, not through a group',
    severity: 'low',
    controls: { cisV7: ['2.13'], cisV5: ['1.14'], securityHub: ['IAM.2'], smm: [] },
    remediation: 'Put the user in a group (or give the access through a role) that carries the policy, then detach the user\'s managed policies and delete its inline policies.',
  },
  'password-policy-weak': {
    id: 'password-policy-weak',
    title: () => 'Password policy missing or weak',
    severity: 'medium',
    controls: { cisV7: ['2.8', '2.9'], cisV5: ['1.7', '1.8'], securityHub: ['IAM.7', 'IAM.15', 'IAM.16'], smm: [SMM_MFA] },
    remediation: 'Set the account password policy: minimum length 14 or more and password reuse prevention 24 (IAM, Account settings, or UpdateAccountPasswordPolicy).',
  },
  'admin-policy-attached': {
    id: 'admin-policy-attached',
    title: () => 'Policy allowing *:* attached',
    severity: 'high',
    controls: { cisV7: ['2.14'], cisV5: ['1.15'], securityHub: ['IAM.1'], smm: [] },
    remediation: 'Replace the full administrator policy with policies for the tasks the principal does; keep full administration for a few break-glass roles assumed with MFA.',
  },
  'role-unused': {
    id: 'role-unused',
    title: ({ unusedDays }) => `Role unused for ${plural(unusedDays, 'day')} or more`,
    severity: 'low',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Delete the role if nothing needs it (its trust policy is still a way in), or narrow its trust policy and permissions.',
  },
  'role-trusts-outside-organization': {
    id: 'role-trusts-outside-organization',
    title: () => 'Role that principals outside the organization can assume',
    severity: 'critical for "*" without a condition naming who may call; medium when sts:ExternalId is required; else high',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Check that every outside account in the trust policy is a known party; require sts:ExternalId for vendors, narrow "*" with aws:PrincipalOrgID or aws:PrincipalArn, and remove trusts nobody needs.',
  },
  'cross-account-admin-path': {
    id: 'cross-account-admin-path',
    title: () => 'Admin role reachable from another account of the organization',
    severity: 'high',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Check that every principal in the evidence needs to administer this account; narrow the role\'s trust policy to them (aws:PrincipalArn, MFA), take sts:AssumeRole on it away from the others\' policies, or split the role so that the path ends in less than admin.',
  },
  'account-not-audited': {
    id: 'account-not-audited',
    title: () => 'Account could not be audited',
    severity: 'high',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [SMM_MFA, SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Deploy the audit role to the account (see the coverage report for the reason) and run the audit again: what cannot be seen cannot be judged.',
  },
  'account-partially-audited': {
    id: 'account-partially-audited',
    title: () => 'Account audited only in part',
    severity: 'medium',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [SMM_MFA, SMM_TEMPORARY_CREDENTIALS] },
    remediation: 'Fix the failed step named in the evidence (usually a missing permission of the audit role) and run the audit again.',
  },
  'exemption-expired': {
    id: 'exemption-expired',
    title: () => 'Exemption expired',
    severity: 'low',
    controls: { cisV7: [], cisV5: [], securityHub: [], smm: [] },
    remediation: 'Fix what the exemption covered and delete the entry from the exemptions file, or, if the risk is still accepted, give the entry a new expires date (and a reason that still holds).',
  },
};
