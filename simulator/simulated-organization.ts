// The simulated organization: its accounts, the faults injected, the calls counted, and the
// dispatch of each command to the service module that answers it (simulated-organizations-sts.ts,
// simulated-iam.ts, simulated-cloudtrail.ts, simulated-s3.ts, simulated-security-hub.ts,
// simulated-sso-admin.ts and simulated-identitystore.ts).
import type { AwsCredentialIdentity } from '@smithy/types';
import { ConnectionFaultServer, type ConnectionFault } from './connection-fault-server';
import { SimulatedAccounts, type Caller } from './simulated-account-state';
import { SimulatedCloudTrail } from './simulated-cloudtrail';
import { simulatedError, type SimulatedService } from './simulated-errors';
import { SimulatedIam } from './simulated-iam';
import { SimulatedIdentityCenterState } from './simulated-identity-center-state';
import { SimulatedIdentityStore } from './simulated-identitystore';
import { SimulatedSsoAdmin } from './simulated-sso-admin';
import { SimulatedOrganizationsService, SimulatedSts } from './simulated-organizations-sts';
import { bodyBytes, SimulatedS3 } from './simulated-s3';
import { SimulatedSecurityHub } from './simulated-security-hub';
import type { SimulatedAccountSpec, SimulatedCall, SimulatedFault, SimulatedOrganizationOptions } from './simulated-specs';

/** What `handle` tells the middleware when a call is to meet a fault on the wire rather than an answer. */
export interface ConnectionFaultOrder {
  connectionFault: ConnectionFault;
}

export function isConnectionFaultOrder(value: object): value is ConnectionFaultOrder {
  return 'connectionFault' in value;
}

const MANAGEMENT_SECRET = 'simulated-management-secret';
const MANAGEMENT_SESSION_TOKEN = 'simulated-management-session-token';
const CALLER_SESSION_MS = 60 * 60 * 1000;

/**
 * A number in [0, 1) that depends only on the seed and the key (FNV-1a, then a mulberry32 round).
 * Keyed by account, operation and call number rather than drawn in sequence, so a seeded
 * throttling run throttles the same calls whatever order concurrent accounts make them in.
 */
function seededFraction(seed: number, key: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < key.length; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193) >>> 0;
  let t = (hash + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export class SimulatedOrganization {
  readonly partition: string;
  readonly managementAccountId: string;
  readonly organizationId: string;
  readonly auditRoleName: string;
  readonly callerArn: string;
  /** The access key id of the auditor's own (management) credentials. */
  readonly managementAccessKeyId: string;
  /** The role and session of the auditor's own credentials, or null when they are an IAM user's key. */
  readonly callerSession: { role: string; session: string } | null;
  readonly callLog: SimulatedCall[] = [];
  /** The findings imported into Security Hub, per account and region. */
  readonly securityHub: SimulatedSecurityHub;

  private readonly options: SimulatedOrganizationOptions;
  private readonly accounts: SimulatedAccounts;
  private readonly organizationsService: SimulatedOrganizationsService;
  private readonly sts: SimulatedSts;
  private readonly iam: SimulatedIam;
  private readonly cloudTrail: SimulatedCloudTrail;
  private readonly s3: SimulatedS3;
  private readonly ssoAdmin: SimulatedSsoAdmin;
  private readonly identityStore: SimulatedIdentityStore;
  private readonly faults: { fault: SimulatedFault; served: number }[] = [];
  private readonly lookupEventTimes = new Map<string, number[]>();
  private connectionFaultServer: ConnectionFaultServer | null = null;

  private readonly callsByOperation = new Map<string, number>();
  /** Calls per account, then per operation: per-account questions stay cheap with 10,000 accounts. */
  private readonly callsByAccount = new Map<string, Map<string, number>>();
  private readonly throttlesByOperation = new Map<string, number>();
  private readonly throttlesByAccount = new Map<string, number>();
  private readonly errorsByOperation = new Map<string, number>();

  constructor(options: SimulatedOrganizationOptions) {
    if (!/^\d{12}$/.test(options.managementAccountId)) {
      throw new Error(`managementAccountId must be 12 digits, got "${options.managementAccountId}"`);
    }
    this.options = options;
    this.partition = options.partition ?? 'aws';
    this.managementAccountId = options.managementAccountId;
    this.organizationId = options.organizationId ?? 'o-simulated01';
    this.auditRoleName = options.auditRoleName ?? 'OrganizationAccountAccessRole';
    const caller = options.caller ?? { user: 'auditor' };
    this.callerSession = 'role' in caller ? caller : null;
    this.callerArn =
      'role' in caller
        ? `arn:${this.partition}:sts::${options.managementAccountId}:assumed-role/${caller.role}/${caller.session}`
        : `arn:${this.partition}:iam::${options.managementAccountId}:user/${caller.user}`;
    // A user's long-lived key starts with AKIA, temporary credentials with ASIA (as AWS's do).
    this.managementAccessKeyId = `${this.callerSession === null ? 'AKIA' : 'ASIA'}${options.managementAccountId}AUDT`;
    const now = () => this.now();
    this.securityHub = new SimulatedSecurityHub(this.partition, now, options.securityHub);
    this.accounts = new SimulatedAccounts(this.partition, options);
    const identityCenter = options.identityCenter === undefined ? null : new SimulatedIdentityCenterState(options.identityCenter, this.partition, options.managementAccountId);
    this.organizationsService = new SimulatedOrganizationsService(this, this.accounts, options);
    this.sts = new SimulatedSts(this, this.accounts, options, now);
    this.iam = new SimulatedIam(this.partition, this.accounts, options, now, (accountId) => identityCenter?.provisionedRoles(accountId) ?? []);
    this.ssoAdmin = new SimulatedSsoAdmin(identityCenter, options);
    this.identityStore = new SimulatedIdentityStore(identityCenter, options);
    this.cloudTrail = new SimulatedCloudTrail(this.partition, this.accounts, options);
    this.s3 = new SimulatedS3(now, () => this.sts.sessionsIssued);
  }

  now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }

  addAccount(spec: SimulatedAccountSpec): this {
    this.accounts.add(spec);
    return this;
  }

  /** Adds `count` accounts made by `build(index)`; give `users` as a function to keep this cheap. */
  addAccounts(count: number, build: (index: number) => SimulatedAccountSpec): this {
    for (let index = 0; index < count; index += 1) this.addAccount(build(index));
    return this;
  }

  account(accountId: string): SimulatedAccountSpec | undefined {
    return this.accounts.get(accountId);
  }

  get accountCount(): number {
    return this.accounts.list.length;
  }

  injectFault(fault: SimulatedFault): this {
    if ((fault.error === undefined) === (fault.connection === undefined)) throw new Error(`a fault on ${fault.operation} needs either an error or a connection fault`);
    this.faults.push({ fault, served: 0 });
    return this;
  }

  /** An S3 bucket the auditor's credentials may write to and read from (`keepBodies: false`: sizes only, see SimulatedS3). */
  addBucket(name: string, options: { keepBodies?: boolean } = {}): this {
    this.s3.addBucket(name, options);
    return this;
  }

  /** An object's body and content type, or undefined when there is no such object. */
  s3Object(bucket: string, key: string): { body: Buffer; contentType: string | undefined } | undefined {
    return this.s3.object(bucket, key);
  }

  /** The keys of a bucket, sorted. */
  s3Keys(bucket: string): string[] {
    return this.s3.keys(bucket);
  }

  /** Multipart uploads begun and neither completed nor aborted (S3 would keep charging for their parts). */
  openMultipartUploads(): number {
    return this.s3.openMultipartUploads();
  }

  /** The local server that plays connection faults, started on first use. */
  connectionFaults(): ConnectionFaultServer {
    this.connectionFaultServer ??= new ConnectionFaultServer();
    return this.connectionFaultServer;
  }

  /** Closes the connection fault server, if one was started. */
  async close(): Promise<void> {
    await this.connectionFaultServer?.close();
  }

  /** Calls served (throttled and failed ones included), for one operation and/or one account. */
  calls(operation?: string, accountId?: string): number {
    if (operation && accountId) return this.callsByAccount.get(accountId)?.get(operation) ?? 0;
    if (operation) return this.callsByOperation.get(operation) ?? 0;
    if (accountId) {
      let total = 0;
      for (const count of this.callsByAccount.get(accountId)?.values() ?? []) total += count;
      return total;
    }
    let total = 0;
    for (const count of this.callsByOperation.values()) total += count;
    return total;
  }

  /** Calls per operation, e.g. `{ ListAccessKeys: 12, ... }`. */
  callCounts(accountId?: string): Record<string, number> {
    const counts: Record<string, number> = {};
    if (accountId === undefined) {
      for (const [operation, count] of this.callsByOperation) counts[operation] = count;
      return counts;
    }
    for (const [operation, count] of this.callsByAccount.get(accountId) ?? []) counts[operation] = count;
    return counts;
  }

  /** Throttling answers served (each one makes the SDK retry or give up), by operation or by account. */
  throttles(operation?: string, accountId?: string): number {
    if (operation && accountId) throw new Error('throttles() counts by operation or by account, not both');
    if (accountId) return this.throttlesByAccount.get(accountId) ?? 0;
    if (operation) return this.throttlesByOperation.get(operation) ?? 0;
    let total = 0;
    for (const count of this.throttlesByOperation.values()) total += count;
    return total;
  }

  /** Error answers served, throttling included. */
  errors(operation?: string): number {
    if (operation) return this.errorsByOperation.get(operation) ?? 0;
    let total = 0;
    for (const count of this.errorsByOperation.values()) total += count;
    return total;
  }

  /** Credentials the auditor would have from its environment: a user's key, or a role session's (an hour left). */
  managementCredentials(): AwsCredentialIdentity {
    const key = { accessKeyId: this.managementAccessKeyId, secretAccessKey: MANAGEMENT_SECRET };
    if (this.callerSession === null) return key;
    // Against the real clock, which is what the SDK compares an expiry with before it asks again.
    return { ...key, sessionToken: MANAGEMENT_SESSION_TOKEN, expiration: new Date(Date.now() + CALLER_SESSION_MS) };
  }

  /** Answers one command. Called by the middleware; public so the factory can attach it to any client. */
  async handle(service: SimulatedService, region: string, commandName: string, input: Record<string, unknown>, accessKeyId: string | null): Promise<object | ConnectionFaultOrder> {
    const operation = commandName.replace(/Command$/, '');
    // Credentials are checked on arrival, before the latency, which stands for the time to answer.
    const caller = this.sts.identify(service, accessKeyId);
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    const accountId = this.concernedAccount(operation, input, caller);
    increment(this.callsByOperation, operation);
    let accountCalls = this.callsByAccount.get(accountId);
    if (!accountCalls) {
      accountCalls = new Map();
      this.callsByAccount.set(accountId, accountCalls);
    }
    increment(accountCalls, operation);
    if (this.options.recordCalls) this.callLog.push({ service, operation, accountId, input });
    try {
      if (caller instanceof Error) throw caller;
      const connectionFault = this.applyFaults(service, operation, accountId, input, caller);
      if (connectionFault !== null) return { connectionFault };
      if (service === 's3') return this.s3.answer(operation, { ...input, Body: await bodyBytes(input.Body) }, caller);
      return this.answer(service, region, operation, input, caller);
    } catch (error) {
      increment(this.errorsByOperation, operation);
      if (error instanceof Error && /Throttl|TooManyRequests|LimitExceeded/.test(error.name)) {
        increment(this.throttlesByOperation, operation);
        increment(this.throttlesByAccount, accountId);
      }
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------------

  private concernedAccount(operation: string, input: Record<string, unknown>, caller: Caller | Error): string {
    if (operation === 'AssumeRole' && typeof input.RoleArn === 'string') {
      const match = /^arn:[^:]+:iam::(\d{12}):role\//.exec(input.RoleArn);
      if (match) return match[1];
    }
    return caller instanceof Error ? 'unknown' : caller.accountId;
  }

  private applyFaults(service: SimulatedService, operation: string, accountId: string, input: Record<string, unknown>, caller: Caller): ConnectionFault | null {
    const context = { service, action: `${service === 'organizations' ? 'organizations' : service}:${operation}`, callerArn: caller.arn };
    for (const entry of this.faults) {
      const { fault } = entry;
      if (fault.operation !== operation) continue;
      if (fault.accountId !== undefined && fault.accountId !== accountId) continue;
      if (fault.matches && !fault.matches(input)) continue;
      if (fault.times !== undefined && entry.served >= fault.times) continue;
      entry.served += 1;
      if (fault.connection !== undefined) return fault.connection;
      if (typeof fault.error === 'function') throw fault.error();
      throw simulatedError(fault.error ?? 'ServiceFailure', context);
    }
    const random = this.options.randomThrottling;
    if (random && seededFraction(random.seed, `${accountId}|${operation}|${this.calls(operation, accountId)}`) < random.rate) {
      throw simulatedError('Throttling', context);
    }
    if (operation === 'LookupEvents' && this.options.enforceLookupEventsRate) {
      const now = Date.now();
      const recent = (this.lookupEventTimes.get(accountId) ?? []).filter((time) => now - time < 1000);
      if (recent.length >= 2) throw simulatedError('Throttling', context);
      recent.push(now);
      this.lookupEventTimes.set(accountId, recent);
    }
    return null;
  }

  /**
   * The answer of the module that knows the operation. Operations are told apart by name whatever
   * client sent them (no two services used here share a name), as the single switch did before.
   */
  private answer(service: SimulatedService, region: string, operation: string, input: Record<string, unknown>, caller: Caller): object {
    const context = { service, action: `${service}:${operation}`, callerArn: caller.arn };
    if (service === 'securityhub') return this.securityHub.answer(operation, input, caller, region);
    // identitystore's ListUsers shares its name with IAM's: these two are told apart by service.
    if (service === 'sso' || service === 'identitystore') {
      const answered = (service === 'sso' ? this.ssoAdmin : this.identityStore).answer(operation, caller.accountId, region, input, context);
      if (answered === undefined) throw new Error(`The simulated AWS does not implement ${service}:${operation}`);
      return answered;
    }
    const answer =
      this.organizationsService.answer(operation, input) ??
      this.sts.answer(operation, input, caller) ??
      this.iam.answer(operation, caller.accountId, input, context) ??
      this.cloudTrail.answer(operation, caller.accountId, region, input);
    if (answer === undefined) throw new Error(`The simulated AWS does not implement ${service}:${operation}`);
    return answer;
  }
}
