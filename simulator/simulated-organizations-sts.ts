// The simulated Organizations (ListAccounts, DescribeOrganization) and STS (AssumeRole into the
// audit role, GetCallerIdentity, and who signed a call: the auditor's own key or a session's).
import { base36, DEFAULT_CREATED, okMetadata, page, pageSize, type Caller, type Session, type SimulatedAccounts } from './simulated-account-state';
import { simulatedError, simulatedServiceError, type SimulatedService } from './simulated-errors';
import type { SimulatedOrganizationOptions } from './simulated-specs';

/** Who the organization is: its partition, management account and identifiers. */
export interface OrganizationIdentity {
  partition: string;
  managementAccountId: string;
  organizationId: string;
  auditRoleName: string;
  callerArn: string;
  managementAccessKeyId: string;
  callerSession: { role: string; session: string } | null;
}

export class SimulatedOrganizationsService {
  constructor(
    private readonly identity: OrganizationIdentity,
    private readonly accounts: SimulatedAccounts,
    private readonly options: SimulatedOrganizationOptions,
  ) {}

  answer(operation: string, input: Record<string, unknown>): object | undefined {
    switch (operation) {
      case 'ListAccounts':
        return this.listAccounts(input);
      case 'DescribeOrganization':
        return this.describeOrganization();
      case 'ListDelegatedAdministrators':
        return this.listDelegatedAdministrators(input);
      default:
        return undefined;
    }
  }

  private listAccounts(input: Record<string, unknown>): object {
    const { partition, managementAccountId, organizationId } = this.identity;
    const { items, next } = page('organizations', this.accounts.list, input.NextToken, pageSize(this.options, 'organizations', input.MaxResults));
    return {
      $metadata: okMetadata(),
      NextToken: next,
      Accounts: items.map((account) => {
        const state = account.state ?? 'ACTIVE';
        const base = {
          Id: account.id,
          Arn: `arn:${partition}:organizations::${managementAccountId}:account/${organizationId}/${account.id}`,
          Name: account.name,
          Email: account.email ?? `aws+${account.id}@example.com`,
          JoinedMethod: account.id === managementAccountId ? 'CREATED' : 'INVITED',
          JoinedTimestamp: new Date(account.created ?? DEFAULT_CREATED),
        };
        if (account.stateField === 'Status') return { ...base, Status: state };
        // The retired Status knows only ACTIVE, SUSPENDED and PENDING_CLOSURE, so it can disagree
        // with State (an account PENDING_ACTIVATION still says ACTIVE there).
        const status = state === 'SUSPENDED' || state === 'PENDING_CLOSURE' ? state : state === 'CLOSED' ? 'SUSPENDED' : 'ACTIVE';
        return { ...base, State: state, Status: status };
      }),
    };
  }

  /** Identity Center's delegated administrator, when the organization has one (the only service the simulator delegates). */
  private listDelegatedAdministrators(input: Record<string, unknown>): object {
    const delegated = this.options.identityCenter?.delegatedAdministrator;
    const servicePrincipal = typeof input.ServicePrincipal === 'string' ? input.ServicePrincipal : undefined;
    const account = delegated === undefined || (servicePrincipal !== undefined && servicePrincipal !== 'sso.amazonaws.com') ? undefined : this.accounts.get(delegated);
    const { partition, managementAccountId, organizationId } = this.identity;
    const listed = account === undefined ? [] : [account];
    const { items, next } = page('organizations', listed, input.NextToken, pageSize(this.options, 'organizations', input.MaxResults));
    return {
      $metadata: okMetadata(),
      NextToken: next,
      DelegatedAdministrators: items.map((entry) => ({
        Id: entry.id,
        Arn: `arn:${partition}:organizations::${managementAccountId}:account/${organizationId}/${entry.id}`,
        Name: entry.name,
        Email: entry.email ?? `aws+${entry.id}@example.com`,
        State: 'ACTIVE',
        Status: 'ACTIVE',
        JoinedMethod: 'INVITED',
        JoinedTimestamp: new Date(entry.created ?? DEFAULT_CREATED),
        DelegationEnabledDate: new Date(entry.created ?? DEFAULT_CREATED),
      })),
    };
  }

  private describeOrganization(): object {
    const { partition, managementAccountId, organizationId } = this.identity;
    return {
      $metadata: okMetadata(),
      Organization: {
        Id: organizationId,
        Arn: `arn:${partition}:organizations::${managementAccountId}:organization/${organizationId}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:${partition}:organizations::${managementAccountId}:account/${organizationId}/${managementAccountId}`,
        MasterAccountId: managementAccountId,
        MasterAccountEmail: `aws+${managementAccountId}@example.com`,
      },
    };
  }
}

export class SimulatedSts {
  private readonly sessions = new Map<string, Session>();
  private sessionCounter = 0;

  constructor(
    private readonly identity: OrganizationIdentity,
    private readonly accounts: SimulatedAccounts,
    private readonly options: SimulatedOrganizationOptions,
    private readonly now: () => Date,
  ) {}

  /** Sessions handed out so far (the simulated S3's ETags end with it). */
  get sessionsIssued(): number {
    return this.sessionCounter;
  }

  /** Who signed a call with `accessKeyId`, or the error AWS answers for an unknown or expired key. */
  identify(service: SimulatedService, accessKeyId: string | null): Caller | Error {
    const context = { service, action: 'sts:GetCallerIdentity', callerArn: 'anonymous' };
    if (accessKeyId === this.identity.managementAccessKeyId) {
      return { accountId: this.identity.managementAccountId, arn: this.identity.callerArn, session: null };
    }
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (!session) return simulatedError('InvalidClientTokenId', context);
    if (session.expiration.getTime() <= this.now().getTime()) return simulatedError('ExpiredToken', context);
    return {
      accountId: session.accountId,
      arn: `arn:${this.identity.partition}:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
      session,
    };
  }

  answer(operation: string, input: Record<string, unknown>, caller: Caller): object | undefined {
    switch (operation) {
      case 'GetCallerIdentity':
        return { $metadata: okMetadata(), Account: caller.accountId, Arn: caller.arn, UserId: this.userId(caller) };
      case 'AssumeRole':
        return this.assumeRole(input, caller);
      default:
        return undefined;
    }
  }

  /** What GetCallerIdentity says as UserId: `AROA...:<session>` for a role session, `AIDA...` for a user. */
  private userId(caller: Caller): string {
    // A caller without an audit-role session is the auditor's own identity.
    const sessionName = caller.session?.sessionName ?? this.identity.callerSession?.session;
    return sessionName === undefined ? `AIDA${caller.accountId}` : `AROA${caller.accountId}:${sessionName}`;
  }

  private assumeRole(input: Record<string, unknown>, caller: Caller): object {
    const roleArn = typeof input.RoleArn === 'string' ? input.RoleArn : '';
    const sessionName = typeof input.RoleSessionName === 'string' ? input.RoleSessionName : '';
    const denied = simulatedError('AccessDenied', { service: 'sts', action: 'sts:AssumeRole', callerArn: caller.arn, resource: roleArn });
    const match = /^arn:([^:]+):iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw simulatedServiceError('sts', 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`);
    }
    if (!match || match[1] !== this.identity.partition) throw denied;
    const [, , accountId, roleName] = match;
    const account = this.accounts.get(accountId);
    if (!account || roleName !== this.identity.auditRoleName || account.auditRole === 'missing') throw denied;
    if ((account.state ?? 'ACTIVE') === 'SUSPENDED') throw denied;
    if (account.externalId !== undefined && input.ExternalId !== account.externalId) throw denied;
    this.sessionCounter += 1;
    const accessKeyId = `ASIA${accountId}${base36(this.sessionCounter, 4)}`;
    const durationMs = (this.options.sessionDurationSeconds ?? 3600) * 1000;
    const expiration = new Date(this.now().getTime() + durationMs);
    this.sessions.set(accessKeyId, { accountId, roleName, sessionName, expiration });
    return {
      $metadata: okMetadata(),
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `simulated-secret-${this.sessionCounter}`,
        SessionToken: `simulated-session-token-${this.sessionCounter}`,
        Expiration: expiration,
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROA${accountId}:${sessionName}`,
        Arn: `arn:${this.identity.partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      },
    };
  }
}
