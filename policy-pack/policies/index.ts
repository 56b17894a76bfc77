// Every guardrail of the pack, in the order the CLI lists them.
import { Policies } from '@pulumi/policy';
import { consoleUsersRequireMfa } from './console-users-require-mfa';
import { humanRoleTrustRequiresMfa } from './human-role-trust-requires-mfa';
import { noAccessKeys } from './no-access-keys';

export const guardrailPolicies: Policies = [noAccessKeys, consoleUsersRequireMfa, humanRoleTrustRequiresMfa];
