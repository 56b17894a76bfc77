// The simulated answers of `GetAccountAuthorizationDetails` and `GetAccountPasswordPolicy`: the
// account's users, groups and roles with their policies, as IAM lists them (documents URL-encoded,
// managed policies with their default version), built from the account's spec.
import type { SimulatedAccountSpec, SimulatedPolicyDocument, SimulatedPrincipalPoliciesSpec } from './simulated-specs';

const QUARANTINE_DENY: SimulatedPolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: ['iam:AttachUserPolicy', 'iam:CreateAccessKey', 'iam:PutUserPolicy', 'ec2:RunInstances', 'lambda:CreateFunction', 's3:GetObject'], Resource: '*' }],
};

/** The AWS managed policies the simulator knows, by name (simplified documents with the same effect on the rules). */
export const SIMULATED_AWS_MANAGED_POLICIES: Readonly<Record<string, SimulatedPolicyDocument>> = {
  AdministratorAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  IAMFullAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization'], Resource: '*' }] },
  PowerUserAccess: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions'], Resource: '*' },
    ],
  },
  ReadOnlyAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'ec2:Describe*', 'iam:Get*', 'iam:List*', 'sts:GetCallerIdentity'], Resource: '*' }] },
  AmazonS3ReadOnlyAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] },
  AWSCompromisedKeyQuarantine: QUARANTINE_DENY,
  AWSCompromisedKeyQuarantineV2: QUARANTINE_DENY,
  AWSCompromisedKeyQuarantineV3: QUARANTINE_DENY,
};

const encode = (document: SimulatedPolicyDocument): string => encodeURIComponent(JSON.stringify(document));

interface PolicyEntry {
  name: string;
  arn: string;
  path: string;
  document: SimulatedPolicyDocument;
  aws: boolean;
}

/** One entry of the answer, in the order IAM pages them: users, groups, roles, then policies. */
export type AuthorizationDetailEntry =
  | { kind: 'UserDetailList'; detail: object }
  | { kind: 'GroupDetailList'; detail: object }
  | { kind: 'RoleDetailList'; detail: object }
  | { kind: 'Policies'; detail: object };

export function authorizationDetailEntries(
  account: SimulatedAccountSpec,
  users: readonly { name: string; arn: string; userId: string; path: string; created: Date; policies: SimulatedPrincipalPoliciesSpec & { groups?: string[] } }[],
  partition: string,
  filter: readonly string[] | null,
): AuthorizationDetailEntry[] {
  const wanted = (name: string) => filter === null || filter.length === 0 || filter.includes(name);
  const customer = new Map<string, PolicyEntry>();
  for (const policy of account.policies ?? []) {
    const path = policy.path ?? '/';
    const arn = `arn:${partition}:iam::${account.id}:policy${path}${policy.name}`;
    customer.set(arn, { name: policy.name, arn, path, document: policy.document, aws: false });
  }
  const attachments = new Map<string, number>();
  const attachedOf = (spec: SimulatedPrincipalPoliciesSpec) =>
    (spec.attachedPolicies ?? []).map((arn) => {
      attachments.set(arn, (attachments.get(arn) ?? 0) + 1);
      return { PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn };
    });
  const inlineOf = (spec: SimulatedPrincipalPoliciesSpec) => (spec.inlinePolicies ?? []).map((policy) => ({ PolicyName: policy.name, PolicyDocument: encode(policy.document) }));
  const boundaryOf = (spec: SimulatedPrincipalPoliciesSpec) =>
    spec.permissionsBoundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: spec.permissionsBoundary } } : {};

  const entries: AuthorizationDetailEntry[] = [];
  const userEntries = users.map((user): AuthorizationDetailEntry => ({
    kind: 'UserDetailList',
    detail: {
      Path: user.path,
      UserName: user.name,
      UserId: user.userId,
      Arn: user.arn,
      CreateDate: user.created,
      GroupList: [...(user.policies.groups ?? [])],
      AttachedManagedPolicies: attachedOf(user.policies),
      UserPolicyList: inlineOf(user.policies),
      ...boundaryOf(user.policies),
    },
  }));
  const groupEntries = (account.groups ?? []).map((group, index): AuthorizationDetailEntry => ({
    kind: 'GroupDetailList',
    detail: {
      Path: '/',
      GroupName: group.name,
      GroupId: `AGPA${account.id}${index}`,
      Arn: `arn:${partition}:iam::${account.id}:group/${group.name}`,
      AttachedManagedPolicies: attachedOf(group),
      GroupPolicyList: inlineOf(group),
    },
  }));
  const roleEntries = (account.roles ?? []).map((role, index): AuthorizationDetailEntry => {
    const path = role.path ?? '/';
    return {
      kind: 'RoleDetailList',
      detail: {
        Path: path,
        RoleName: role.name,
        RoleId: `AROA${account.id}${index}`,
        Arn: `arn:${partition}:iam::${account.id}:role${path}${role.name}`,
        CreateDate: new Date(role.created ?? '2015-01-01T00:00:00.000Z'),
        AssumeRolePolicyDocument: encode(role.trust),
        RoleLastUsed: role.lastUsed ? { LastUsedDate: new Date(role.lastUsed), Region: 'us-east-1' } : {},
        AttachedManagedPolicies: attachedOf(role),
        RolePolicyList: inlineOf(role),
        ...boundaryOf(role),
      },
    };
  });
  // Boundaries are managed policies too: listed when used.
  for (const spec of [...users.map((user) => user.policies), ...(account.roles ?? [])]) {
    if (spec.permissionsBoundary) attachments.set(spec.permissionsBoundary, attachments.get(spec.permissionsBoundary) ?? 0);
  }
  const policyEntries: AuthorizationDetailEntry[] = [];
  const listed = new Set<string>();
  const policyDetail = (entry: PolicyEntry): AuthorizationDetailEntry => ({
    kind: 'Policies',
    detail: {
      PolicyName: entry.name,
      Arn: entry.arn,
      Path: entry.path,
      DefaultVersionId: 'v1',
      AttachmentCount: attachments.get(entry.arn) ?? 0,
      IsAttachable: true,
      PolicyVersionList: [{ Document: encode(entry.document), VersionId: 'v1', IsDefaultVersion: true }],
    },
  });
  if (wanted('LocalManagedPolicy')) {
    for (const entry of customer.values()) {
      listed.add(entry.arn);
      policyEntries.push(policyDetail(entry));
    }
  }
  if (wanted('AWSManagedPolicy')) {
    // AWS managed policies in use, with the document the simulator knows for them.
    for (const arn of attachments.keys()) {
      if (listed.has(arn) || !arn.includes(':iam::aws:policy/')) continue;
      const name = arn.slice(arn.lastIndexOf('/') + 1);
      const document = SIMULATED_AWS_MANAGED_POLICIES[name];
      if (!document) throw new Error(`The simulator does not know the AWS managed policy ${arn}`);
      listed.add(arn);
      policyEntries.push(policyDetail({ name, arn, path: '/', document, aws: true }));
    }
  }
  if (wanted('User')) entries.push(...userEntries);
  if (wanted('Group')) entries.push(...groupEntries);
  if (wanted('Role')) entries.push(...roleEntries);
  entries.push(...policyEntries);
  return entries;
}
