// Constructing the pack starts the analyzer's gRPC server, so this file does nothing else; the
// policies live in ./policies, where tests import them without starting a server.
import { PolicyPack } from '@pulumi/policy';
import { guardrailPolicies } from './policies';

new PolicyPack('iam-audit-kit-guardrails', {
  description: 'Stops new long-lived IAM access keys, console users without enforced MFA and roles people can assume without MFA.',
  policies: guardrailPolicies,
});
