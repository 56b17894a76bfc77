// The organization's IAM Identity Center resolved from its spec, once, on first use: the instance
// and where it is administered from, the identity store's users, groups and memberships, the
// permission sets with their ARNs, and the assignments by account and permission set. The sso-admin
// and identitystore modules answer from it; the simulated IAM lists the role each provisioned
// permission set has in an account (`AWSReservedSSO_<name>_<suffix>`), as Identity Center creates it.
import type {
  SimulatedIdentityCenterGroupSpec,
  SimulatedIdentityCenterSpec,
  SimulatedIdentityCenterUserSpec,
  SimulatedPermissionSetSpec,
  SimulatedRoleSpec,
} from './simulated-specs';

export interface ResolvedIdentityCenterUser {
  spec: SimulatedIdentityCenterUserSpec;
  userId: string;
}

export interface ResolvedIdentityCenterGroup {
  spec: SimulatedIdentityCenterGroupSpec;
  groupId: string;
  memberIds: string[];
}

export interface ResolvedPermissionSet {
  spec: SimulatedPermissionSetSpec;
  arn: string;
  /** The suffix of the role Identity Center creates for it in every account it is provisioned to. */
  roleSuffix: string;
}

export interface ResolvedAssignment {
  accountId: string;
  permissionSetArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
}

export interface ResolvedIdentityCenter {
  instanceArn: string;
  identityStoreId: string;
  region: string;
  users: ResolvedIdentityCenterUser[];
  groups: ResolvedIdentityCenterGroup[];
  permissionSets: ResolvedPermissionSet[];
  permissionSetsByArn: Map<string, ResolvedPermissionSet>;
  /** By permission set ARN, then account id, in the order they were given. */
  assignments: Map<string, Map<string, ResolvedAssignment[]>>;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/** A UUID-shaped id like the identity store's (`9067...-...`), stable for a position. */
function storeId(kind: number, index: number): string {
  const digits = `${hex(kind, 4)}${hex(index, 12)}`;
  return `906${digits.slice(0, 5)}-${digits.slice(5, 9)}-${digits.slice(9, 13)}-${hex(index % 65536, 4)}-${hex(index, 12)}`;
}

export class SimulatedIdentityCenterState {
  private resolvedState: ResolvedIdentityCenter | null = null;

  constructor(
    readonly spec: SimulatedIdentityCenterSpec,
    private readonly partition: string,
    private readonly managementAccountId: string,
  ) {}

  get region(): string {
    return this.spec.region ?? 'us-east-1';
  }

  /** The accounts ListInstances finds the instance from: the management account and the delegated administrator. */
  administeredFrom(accountId: string): boolean {
    return accountId === this.managementAccountId || accountId === this.spec.delegatedAdministrator;
  }

  resolved(): ResolvedIdentityCenter {
    this.resolvedState ??= this.resolve();
    return this.resolvedState;
  }

  /** The roles Identity Center has created in `accountId` for the permission sets provisioned there. */
  provisionedRoles(accountId: string): SimulatedRoleSpec[] {
    const state = this.resolved();
    const roles: SimulatedRoleSpec[] = [];
    for (const permissionSet of state.permissionSets) {
      if (!state.assignments.get(permissionSet.arn)?.has(accountId)) continue;
      const { spec } = permissionSet;
      const boundary = spec.permissionsBoundary;
      roles.push({
        name: `AWSReservedSSO_${spec.name}_${permissionSet.roleSuffix}`,
        path: `/aws-reserved/sso.amazonaws.com/${this.region}/`,
        trust: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: `arn:${this.partition}:iam::${accountId}:saml-provider/AWSSSO_${permissionSet.roleSuffix}_DO_NOT_DELETE` },
              Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
              Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
            },
          ],
        },
        attachedPolicies: [
          ...(spec.managedPolicies ?? []),
          ...(spec.customerManagedPolicies ?? []).map((reference) => `arn:${this.partition}:iam::${accountId}:policy${reference.path ?? '/'}${reference.name}`),
        ],
        ...(spec.inlinePolicy ? { inlinePolicies: [{ name: 'AwsSSOInlinePolicy', document: spec.inlinePolicy }] } : {}),
        ...(boundary === undefined
          ? {}
          : {
              permissionsBoundary:
                'managedPolicyArn' in boundary
                  ? boundary.managedPolicyArn
                  : `arn:${this.partition}:iam::${accountId}:policy${boundary.customerManagedPolicy.path ?? '/'}${boundary.customerManagedPolicy.name}`,
            }),
      });
    }
    return roles;
  }

  private resolve(): ResolvedIdentityCenter {
    const { spec } = this;
    const identityStoreId = spec.identityStoreId ?? 'd-9067000001';
    const instanceArn = `arn:${this.partition}:sso:::instance/ssoins-${this.managementAccountId.slice(0, 4)}0000000001`;
    const userSpecs = typeof spec.users === 'function' ? spec.users() : spec.users;
    const users = userSpecs.map((user, index): ResolvedIdentityCenterUser => ({ spec: user, userId: user.userId ?? storeId(1, index) }));
    const userIds = new Map(users.map((user) => [user.spec.userName, user.userId]));
    if (userIds.size !== users.length) throw new Error('the simulated Identity Center has two users of one name');
    const userIdOf = (userName: string, where: string): string => {
      const id = userIds.get(userName);
      if (id === undefined) throw new Error(`the simulated Identity Center has no user ${userName} (${where})`);
      return id;
    };
    const groupSpecs = typeof spec.groups === 'function' ? spec.groups() : (spec.groups ?? []);
    const groups = groupSpecs.map((group, index): ResolvedIdentityCenterGroup => ({
      spec: group,
      groupId: group.groupId ?? storeId(2, index),
      memberIds: group.members.map((member) => userIdOf(member, `member of ${group.displayName}`)),
    }));
    const groupIds = new Map(groups.map((group) => [group.spec.displayName, group.groupId]));
    const permissionSets = spec.permissionSets.map((permissionSet, index): ResolvedPermissionSet => ({
      spec: permissionSet,
      arn: `${instanceArn.replace(':instance/', ':permissionSet/')}/ps-${hex(index + 1, 16)}`,
      roleSuffix: hex(0x1a2b3c4d + index * 7919, 16),
    }));
    const byName = new Map(permissionSets.map((permissionSet) => [permissionSet.spec.name, permissionSet]));
    const assignments = new Map<string, Map<string, ResolvedAssignment[]>>();
    const assignmentSpecs = typeof spec.assignments === 'function' ? spec.assignments() : spec.assignments;
    for (const assignment of assignmentSpecs) {
      const permissionSet = byName.get(assignment.permissionSet);
      if (permissionSet === undefined) throw new Error(`the simulated Identity Center has no permission set ${assignment.permissionSet}`);
      const principal = assignment.principal;
      const resolved: ResolvedAssignment =
        'user' in principal
          ? { accountId: assignment.accountId, permissionSetArn: permissionSet.arn, principalType: 'USER', principalId: userIdOf(principal.user, 'assignment') }
          : {
              accountId: assignment.accountId,
              permissionSetArn: permissionSet.arn,
              principalType: 'GROUP',
              principalId:
                groupIds.get(principal.group) ??
                (() => {
                  throw new Error(`the simulated Identity Center has no group ${principal.group}`);
                })(),
            };
      let byAccount = assignments.get(permissionSet.arn);
      if (byAccount === undefined) {
        byAccount = new Map();
        assignments.set(permissionSet.arn, byAccount);
      }
      byAccount.set(assignment.accountId, [...(byAccount.get(assignment.accountId) ?? []), resolved]);
    }
    return {
      instanceArn,
      identityStoreId,
      region: this.region,
      users,
      groups,
      permissionSets,
      permissionSetsByArn: new Map(permissionSets.map((permissionSet) => [permissionSet.arn, permissionSet])),
      assignments,
    };
  }
}
