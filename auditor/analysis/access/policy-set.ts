// The policies that give one principal its permissions, gathered from the account's inventory:
// a user's inline and attached policies and those of its groups, a role's own, and the
// permissions boundary of either. Each policy carries the label the access report shows
// (`AdministratorAccess (group admins)`, `deploy (inline)`), and the label is the name the
// evaluator gives back when it says which policy allowed a request.
import type { AccountInventory, AttachedPolicyRecord, InlinePolicyRecord, InventoryUserRecord, RoleRecord } from '../../model';

export interface LabelledPolicy {
  label: string;
  document: unknown;
}

export interface PrincipalPolicySet {
  principalType: 'user' | 'role';
  name: string;
  arn: string;
  accountId: string;
  identityPolicies: LabelledPolicy[];
  boundary: LabelledPolicy | null;
  /** The user's groups, by ARN (a role has none). */
  groupArns: string[];
  /** The customer managed policies attached to the principal or its groups, by ARN. */
  customerPolicyArns: string[];
  /** Policies attached but without a readable document, with why: left out of the evaluation. */
  unreadPolicies: string[];
}

function parsed(document: string): unknown {
  try {
    return JSON.parse(document) as unknown;
  } catch {
    return undefined;
  }
}

class SetBuilder {
  readonly identityPolicies: LabelledPolicy[] = [];
  readonly unreadPolicies: string[] = [];
  readonly customerPolicyArns: string[] = [];
  private readonly documents: Map<string, string | null>;

  constructor(inventory: AccountInventory) {
    this.documents = new Map(inventory.policies.map((policy) => [policy.arn, policy.document]));
  }

  private add(label: string, text: string | null | undefined): void {
    const document = text === null || text === undefined ? undefined : parsed(text);
    if (document === undefined) {
      this.unreadPolicies.push(`${label}: ${text === null || text === undefined ? 'document not listed' : 'document is not JSON'}`);
      return;
    }
    this.identityPolicies.push({ label, document });
  }

  attached(policies: readonly AttachedPolicyRecord[], via: string): void {
    for (const policy of policies) {
      if (!/:iam::aws:policy\//.test(policy.arn) && !this.customerPolicyArns.includes(policy.arn)) this.customerPolicyArns.push(policy.arn);
      this.add(via === '' ? policy.name : `${policy.name} (${via})`, this.documents.get(policy.arn));
    }
  }

  inline(policies: readonly InlinePolicyRecord[], via: string): void {
    for (const policy of policies) this.add(via === '' ? `${policy.name} (inline)` : `${policy.name} (inline, ${via})`, policy.document);
  }

  boundary(arn: string | null): LabelledPolicy | null {
    if (arn === null) return null;
    const label = `${arn.slice(arn.lastIndexOf('/') + 1)} (boundary)`;
    const text = this.documents.get(arn);
    const document = text === null || text === undefined ? undefined : parsed(text);
    if (document === undefined) {
      this.unreadPolicies.push(`${label}: ${text === null || text === undefined ? 'document not listed' : 'document is not JSON'}`);
      return null;
    }
    return { label, document };
  }
}

export function accountOfArn(arn: string): string {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1] ?? '';
}

export function userPolicySet(inventory: AccountInventory, user: InventoryUserRecord): PrincipalPolicySet {
  const builder = new SetBuilder(inventory);
  builder.inline(user.inlinePolicies, '');
  builder.attached(user.attachedPolicies, '');
  const groupArns: string[] = [];
  for (const groupName of user.groups) {
    const group = inventory.groups.find((candidate) => candidate.groupName === groupName);
    if (group === undefined) {
      builder.unreadPolicies.push(`group ${groupName}: not listed`);
      continue;
    }
    groupArns.push(group.arn);
    builder.inline(group.inlinePolicies, `group ${groupName}`);
    builder.attached(group.attachedPolicies, `group ${groupName}`);
  }
  const boundary = builder.boundary(user.permissionsBoundary);
  return {
    principalType: 'user',
    name: user.userName,
    arn: user.arn,
    accountId: accountOfArn(user.arn),
    identityPolicies: builder.identityPolicies,
    boundary,
    groupArns,
    customerPolicyArns: builder.customerPolicyArns,
    unreadPolicies: builder.unreadPolicies,
  };
}

export function rolePolicySet(inventory: AccountInventory, role: RoleRecord): PrincipalPolicySet {
  const builder = new SetBuilder(inventory);
  builder.inline(role.inlinePolicies, '');
  builder.attached(role.attachedPolicies, '');
  const boundary = builder.boundary(role.permissionsBoundary);
  return {
    principalType: 'role',
    name: role.roleName,
    arn: role.arn,
    accountId: accountOfArn(role.arn),
    identityPolicies: builder.identityPolicies,
    boundary,
    groupArns: [],
    customerPolicyArns: builder.customerPolicyArns,
    unreadPolicies: builder.unreadPolicies,
  };
}
