// What the organization's guardrails prove for one account, decided by a policy evaluator
// (@cloud-copilot/iam-simulate, which evaluates SCPs level by level as AWS does) over the SCPs in
// effect for the account: those of the root, of every OU down to the account, and the account's own.
//
// Three questions, each asked of an administrator (an identity policy allowing everything), so that
// only the SCPs can say no:
// - can an IAM user's access key be created? `iam:CreateAccessKey` for a user, called by the user
//   itself and by a role of the account;
// - can an IAM user work in a console session without MFA? a few everyday calls (EC2, S3, IAM, STS)
//   with `aws:MultiFactorAuthPresent` false, as a console sign-in without MFA carries it;
// - can the root user act? the same calls by `arn:<partition>:iam::<account>:root`.
// Each is asked first of a user or role the account does not have (what any new principal meets),
// then of every user the account has, so that a guardrail's carve-outs (exemptions) are counted.
// A user can meet something other than the probe only where an SCP names users (a user ARN or
// pattern other than `user/*`, `aws:username`, `aws:userid`): without such a policy in effect every
// user's answer is the probe's, and the per-user questions are not asked (a 50-user account costs
// 8 evaluations instead of about 200).
// The management account is never covered by SCPs: its answers are `not-applicable`, never a proof.
import { getDenialReasons, runSimulation, type RequestAnalysis } from '@cloud-copilot/iam-simulate';
import { ACCESS_KEY_CREATE_ACTION, ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS } from '../values/guardrails';
import type { AccountGuardrails, CentralizedRootRecord, GuardrailVerdict, IamUserRecord, PolicyTargetRecord, ServiceControlPolicyRecord } from '../model';

/** A level of the organization with the documents of the SCPs attached to it. */
export interface PolicyLevel extends PolicyTargetRecord {
  policies: ServiceControlPolicyRecord[];
}

/**
 * The SCPs in effect for an account as the management side could read them: `read` with every
 * level from the root down to the account, `disabled` when the organization has SCPs turned off
 * (nothing is then enforced), `unreadable` when they could not be read (nothing is then proven).
 */
export type PoliciesInEffect =
  | { status: 'read'; levels: PolicyLevel[] }
  | { status: 'disabled'; detail: string }
  | { status: 'unreadable'; detail: string };

/** `iam:ListOrganizationsFeatures`: the features enabled, or why they could not be read. */
export type OrganizationFeatures = { status: 'read'; features: string[] } | { status: 'unreadable'; detail: string };

export interface GuardrailSubject {
  accountId: string;
  partition: string;
  isManagementAccount: boolean;
  /** The account's users, as audited; their ARNs carry their paths. */
  users: readonly Pick<IamUserRecord, 'userName' | 'arn' | 'passwordEnabled'>[];
  /** The run's reference time (ISO-8601): `aws:CurrentTime`, so an exemption's expiry is judged as of the run. */
  at: string;
}

/** A principal no account has, standing for any user or role created tomorrow. */
export const PROBE_PRINCIPAL_NAME = 'iam-audit-guardrail-probe';

/** Calls any console user makes within minutes: denied all, the session is of no use. */
const EVERYDAY_CALLS: readonly { action: string; resource: (accountId: string, partition: string) => string }[] = [
  { action: 'ec2:DescribeInstances', resource: () => '*' },
  { action: 's3:ListAllMyBuckets', resource: () => '*' },
  { action: 'iam:ListUsers', resource: () => '*' },
  { action: 'sts:AssumeRole', resource: (accountId, partition) => `arn:${partition}:iam::${accountId}:role/${PROBE_PRINCIPAL_NAME}` },
];

interface Caller {
  /** The request's principal: a user or root ARN, or an assumed-role session ARN. */
  principal: string;
  /** `aws:PrincipalArn`: the user, the role (not its session) or the account's root. */
  principalArn: string;
  principalType: 'User' | 'AssumedRole' | 'Account';
  userName?: string;
}

interface Decision {
  denied: boolean;
  /** Explicit denials name their policy; a level that allows nothing is named `<target> allows nothing`. */
  deniedBy: string[];
}

const ALLOW_EVERYTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

class GuardrailEvaluationError extends Error {}

function parsedLevels(levels: readonly PolicyLevel[]): { orgIdentifier: string; policies: { name: string; policy: unknown }[] }[] {
  return levels.map((level) => ({
    orgIdentifier: level.targetId,
    policies: level.policies.map((policy) => {
      try {
        return { name: policy.id, policy: JSON.parse(policy.document) as unknown };
      } catch {
        throw new GuardrailEvaluationError(`SCP ${policy.id} is not JSON`);
      }
    }),
  }));
}

function userCaller(arn: string, userName: string): Caller {
  return { principal: arn, principalArn: arn, principalType: 'User', userName };
}

function roleCaller(accountId: string, partition: string): Caller {
  return {
    principal: `arn:${partition}:sts::${accountId}:assumed-role/${PROBE_PRINCIPAL_NAME}/${PROBE_PRINCIPAL_NAME}`,
    principalArn: `arn:${partition}:iam::${accountId}:role/${PROBE_PRINCIPAL_NAME}`,
    principalType: 'AssumedRole',
  };
}

function rootCaller(accountId: string, partition: string): Caller {
  const arn = `arn:${partition}:iam::${accountId}:root`;
  return { principal: arn, principalArn: arn, principalType: 'Account' };
}

function deniedByOf(analysis: RequestAnalysis | undefined): string[] {
  if (analysis === undefined) return [];
  const names = new Set<string>();
  for (const reason of getDenialReasons(analysis)) {
    if (reason.policyType !== 'scp') continue;
    if (reason.denialType === 'Explicit') {
      if (reason.policyIdentifier !== undefined) names.add(reason.policyIdentifier);
    } else if (reason.identifier !== undefined) {
      names.add(`${reason.identifier} allows nothing`);
    }
  }
  return [...names];
}

/** `user/` followed by anything but `*"` (a name, a path, a pattern), or a condition on the user's name or id. */
const NAMES_USERS = /user\/(?!\*")|aws:username|aws:userid/i;

class Evaluator {
  private readonly scps: ReturnType<typeof parsedLevels>;
  /** Some SCP in effect can tell one user from another: each user must be asked. */
  readonly namesUsers: boolean;

  constructor(levels: readonly PolicyLevel[], private readonly subject: GuardrailSubject) {
    this.scps = parsedLevels(levels);
    this.namesUsers = levels.some((entry) => entry.policies.some((policy) => NAMES_USERS.test(policy.document)));
  }

  async decide(caller: Caller, action: string, resource: string, extraContext: Record<string, string> = {}): Promise<Decision> {
    const { accountId, at } = this.subject;
    const context: Record<string, string> = {
      'aws:PrincipalArn': caller.principalArn,
      'aws:PrincipalAccount': accountId,
      'aws:PrincipalType': caller.principalType,
      'aws:CurrentTime': at,
      'aws:EpochTime': String(Math.floor(Date.parse(at) / 1000)),
      'aws:SecureTransport': 'true',
      'aws:ViaAWSService': 'false',
      'aws:RequestedRegion': 'us-east-1',
      ...(caller.userName === undefined ? {} : { 'aws:username': caller.userName }),
      ...extraContext,
    };
    const result = await runSimulation({
      identityPolicies: [{ name: 'administrator', policy: ALLOW_EVERYTHING }],
      serviceControlPolicies: this.scps,
      resourceControlPolicies: [],
      request: { principal: caller.principal, action, resource: { resource, accountId }, contextVariables: context },
    }, {});
    if (result.resultType === 'error') throw new GuardrailEvaluationError(`the evaluator refused ${action}: ${result.errors.message}`);
    const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
    const denied = result.overallResult !== 'Allowed';
    return { denied, deniedBy: denied ? deniedByOf(analysis) : [] };
  }

  /** Every call denied; the policies that denied them. */
  async decideAll(caller: Caller, calls: readonly { action: string; resource: string }[], extraContext: Record<string, string> = {}): Promise<Decision> {
    const deniedBy = new Set<string>();
    for (const call of calls) {
      const decision = await this.decide(caller, call.action, call.resource, extraContext);
      if (!decision.denied) return { denied: false, deniedBy: [] };
      for (const name of decision.deniedBy) deniedBy.add(name);
    }
    return { denied: true, deniedBy: [...deniedBy] };
  }
}

function verdict(status: GuardrailVerdict['status'], detail: string, policyIds: readonly string[] = [], exemptedUsers: readonly string[] = []): GuardrailVerdict {
  return { status, exemptedUsers: [...exemptedUsers], policyIds: [...policyIds].sort(), detail };
}

function userArn(subject: GuardrailSubject, userName: string): string {
  return `arn:${subject.partition}:iam::${subject.accountId}:user/${userName}`;
}

async function accessKeysVerdict(evaluator: Evaluator, subject: GuardrailSubject): Promise<GuardrailVerdict> {
  const role = roleCaller(subject.accountId, subject.partition);
  const createKeyFor = async (arn: string, userName: string): Promise<Decision> => {
    const bySelf = await evaluator.decide(userCaller(arn, userName), ACCESS_KEY_CREATE_ACTION, arn);
    if (!bySelf.denied) return bySelf;
    const byRole = await evaluator.decide(role, ACCESS_KEY_CREATE_ACTION, arn);
    return byRole.denied ? { denied: true, deniedBy: [...new Set([...bySelf.deniedBy, ...byRole.deniedBy])] } : byRole;
  };
  const probe = await createKeyFor(userArn(subject, PROBE_PRINCIPAL_NAME), PROBE_PRINCIPAL_NAME);
  if (!probe.denied) return verdict('not-enforced', `${ACCESS_KEY_CREATE_ACTION} allowed for a user`);
  const exempted: string[] = [];
  for (const user of evaluator.namesUsers ? subject.users : []) {
    if (!(await createKeyFor(user.arn, user.userName)).denied) exempted.push(user.userName);
  }
  return verdict('enforced', `${ACCESS_KEY_CREATE_ACTION} denied for users`, probe.deniedBy, exempted);
}

async function consoleMfaVerdict(evaluator: Evaluator, subject: GuardrailSubject): Promise<GuardrailVerdict> {
  const calls = EVERYDAY_CALLS.map((call) => ({ action: call.action, resource: call.resource(subject.accountId, subject.partition) }));
  const withoutMfa = { 'aws:MultiFactorAuthPresent': 'false' };
  const probe = await evaluator.decideAll(userCaller(userArn(subject, PROBE_PRINCIPAL_NAME), PROBE_PRINCIPAL_NAME), calls, withoutMfa);
  if (!probe.denied) return verdict('not-enforced', 'a console session without MFA can work');
  const exempted: string[] = [];
  for (const user of evaluator.namesUsers ? subject.users.filter((candidate) => candidate.passwordEnabled) : []) {
    if (!(await evaluator.decideAll(userCaller(user.arn, user.userName), calls, withoutMfa)).denied) exempted.push(user.userName);
  }
  return verdict('enforced', 'console sessions without MFA denied', probe.deniedBy, exempted);
}

async function rootUserVerdict(evaluator: Evaluator, subject: GuardrailSubject): Promise<GuardrailVerdict> {
  const calls = EVERYDAY_CALLS.map((call) => ({ action: call.action, resource: call.resource(subject.accountId, subject.partition) }));
  const decision = await evaluator.decideAll(rootCaller(subject.accountId, subject.partition), calls);
  return decision.denied ? verdict('enforced', 'the root user is denied', decision.deniedBy) : verdict('not-enforced', 'the root user can act');
}

export function centralizedRootOf(features: OrganizationFeatures, isManagementAccount: boolean): CentralizedRootRecord {
  if (isManagementAccount) return { status: 'not-applicable', features: [], detail: 'centralized root access covers member accounts only' };
  if (features.status === 'unreadable') return { status: 'unknown', features: [], detail: features.detail };
  const enabled = [ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS].filter((feature) => features.features.includes(feature));
  if (enabled.length === 2) return { status: 'enabled', features: enabled, detail: `${enabled.join(' and ')} enabled` };
  if (enabled.length === 1) return { status: 'partly-enabled', features: enabled, detail: `only ${enabled[0]} enabled` };
  return { status: 'not-enabled', features: [], detail: 'neither RootCredentialsManagement nor RootSessions enabled' };
}

/** The account's guardrails: the SCPs in effect evaluated, and centralized root access. */
export async function assessGuardrails(subject: GuardrailSubject, policies: PoliciesInEffect, features: OrganizationFeatures): Promise<AccountGuardrails> {
  const centralizedRoot = centralizedRootOf(features, subject.isManagementAccount);
  const levels = policies.status === 'read' ? policies.levels.map(({ targetId, type, policyIds }) => ({ targetId, type, policyIds: [...policyIds] })) : null;
  const every = (make: () => GuardrailVerdict) => ({ levels, noAccessKeys: make(), consoleMfa: make(), rootUser: make(), centralizedRoot });
  if (subject.isManagementAccount) return every(() => verdict('not-applicable', 'the management account is never covered by SCPs'));
  if (policies.status === 'disabled') return every(() => verdict('not-enforced', policies.detail));
  if (policies.status === 'unreadable') return every(() => verdict('unknown', policies.detail));
  try {
    const evaluator = new Evaluator(policies.levels, subject);
    return {
      levels,
      noAccessKeys: await accessKeysVerdict(evaluator, subject),
      consoleMfa: await consoleMfaVerdict(evaluator, subject),
      rootUser: await rootUserVerdict(evaluator, subject),
      centralizedRoot,
    };
  } catch (error) {
    if (!(error instanceof GuardrailEvaluationError)) throw error;
    return every(() => verdict('unknown', error.message));
  }
}
