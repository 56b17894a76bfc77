// A simulated AWS Organization served at the SDK boundary. Real SDK v3 clients are used, with a
// middleware in the deserialize step (inside the retry middleware, after signing) that answers
// each command from the simulated data instead of sending it. Paginators, adaptive retry, the
// credential providers and the SDK's error classes are therefore the real ones, and the account a
// call is made in is read from the access key id the request was really signed with.
//
//   const org = new SimulatedOrganization({ managementAccountId: '111111111111', auditRoleName: 'Audit' })
//     .addAccount({ id: '111111111111', name: 'management' })
//     .addAccount({ id: '222222222222', name: 'prod', users: [{ name: 'alice', password: {}, mfa: [{ type: 'virtual' }] }] })
//     .addAccount({ id: '333333333333', name: 'sandbox', auditRole: 'missing' })
//     .injectFault({ operation: 'LookupEvents', accountId: '222222222222', error: 'Throttling', times: 2 });
//   const run = await runAudit(options, simulatedClientFactory(org));
//   org.calls('ListMFADevices', '222222222222'); org.throttles(); org.callCounts('222222222222');
//
// IAM Identity Center (`identityCenter` in the options) is answered by sso-admin and identitystore
// clients in its home region, to the management account and its delegated administrator; the
// role of each provisioned permission set is listed in the account's IAM inventory.
//
// S3 is simulated too (buckets added with `addBucket`, objects, multipart uploads). Faults that
// only exist on the wire (`connection: 'hang' | 'drop'`) send the request, through the client's
// real Node handler, to a local server that plays them (connection-fault-server.ts).
//
// This module is the simulator's front door; the parts live per service:
//   simulated-specs.ts             what an organization is made of (specs, faults, options)
//   simulated-account-state.ts     the accounts and their resolved users, keys and events; paging
//   simulated-organization.ts      the organization: faults, call counts, dispatch to the services
//   simulated-organizations-sts.ts Organizations and STS
//   simulated-iam.ts               IAM (credential report, per-user calls, inventory)
//   simulated-cloudtrail.ts        CloudTrail LookupEvents
//   simulated-s3.ts                S3 buckets, objects and multipart uploads
//   simulated-security-hub.ts      Security Hub findings
//   simulated-sso-admin.ts         IAM Identity Center's instance, permission sets and assignments
//   simulated-identitystore.ts     Identity Center's users, groups and memberships
//   simulated-identity-center-state.ts  the Identity Center resolved from its spec (shared by both)
//   simulated-clients.ts           the SDK clients and the client factory
export type { SimulatedErrorCode, SimulatedService } from './simulated-errors';
export type { ConnectionFault } from './connection-fault-server';
export type { SimulatedSecurityHubOptions, StoredSecurityHubFinding } from './simulated-security-hub';
export type {
  SimulatedAccessKeySpec,
  SimulatedAccountSpec,
  SimulatedCaller,
  SimulatedCall,
  SimulatedEventSpec,
  SimulatedFault,
  SimulatedAccountAssignmentSpec,
  SimulatedGroupSpec,
  SimulatedIdentityCenterGroupSpec,
  SimulatedIdentityCenterSpec,
  SimulatedIdentityCenterUserSpec,
  SimulatedManagedPolicySpec,
  SimulatedPermissionSetSpec,
  SimulatedPolicyReferenceSpec,
  SimulatedMfaSpec,
  SimulatedOrganizationOptions,
  SimulatedPasswordPolicySpec,
  SimulatedPolicyDocument,
  SimulatedPrincipalPoliciesSpec,
  SimulatedRoleSpec,
  SimulatedRootSpec,
  SimulatedUserSpec,
} from './simulated-specs';
export { SimulatedOrganization, type ConnectionFaultOrder } from './simulated-organization';
export { attachSimulatedAws, simulatedClientFactory, type SimulatedClientFactory, type SimulatedClientFactoryOptions } from './simulated-clients';
