// The audit role, defined once: the member-account template (audit-role-template.ts) and the role
// created directly in the deploying account (audit-role-rollout.ts) are both built from this.
import { auditRolePermissionsPolicy, auditRoleTrustPolicy, PolicyDocument } from './policies';

export const AUDIT_ROLE = {
  description: 'Read-only IAM and CloudTrail access for the IAM Audit Kit auditor.',
  // One hour is what every role allows; the auditor assumes the role again before it runs out.
  maxSessionDurationSeconds: 3600,
  inlinePolicyName: 'iam-audit-reads',
  tags: { 'iam-audit-kit': 'audit-role' } as Readonly<Record<string, string>>,
  /** Exactly the reads the auditor declares. */
  permissions: (): PolicyDocument => auditRolePermissionsPolicy(),
  /** The named principals may assume it, from inside the organization only. */
  trust: (trustedPrincipalArns: string[], organizationId: string): PolicyDocument =>
    auditRoleTrustPolicy(trustedPrincipalArns, organizationId),
} as const;
