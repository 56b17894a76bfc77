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
// S3 is simulated too (buckets added with `addBucket`, objects, multipart uploads). Faults that
// only exist on the wire (`connection: 'hang' | 'drop'`) send the request, through the client's
// real Node handler, to a local server that plays them (connection-fault-server.ts).
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { auditClientConfig, validatingAnswers, type AwsClientFactory, type ClientTimeouts } from '../auditor/aws/clients';
import { CONNECTION_FAULT_HEADER, ConnectionFaultServer, type ConnectionFault } from './connection-fault-server';
import { CREDENTIAL_REPORT_HEADER, rootReportRow, userReportRow } from './simulated-credential-report';
import { simulatedError, simulatedServiceError, type SimulatedErrorCode, type SimulatedService } from './simulated-errors';
import { SimulatedSecurityHub, type SimulatedSecurityHubOptions } from './simulated-security-hub';
import { authorizationDetailEntries } from './simulated-inventory';

export type { SimulatedErrorCode, SimulatedService } from './simulated-errors';
export type { ConnectionFault } from './connection-fault-server';
export type { SimulatedSecurityHubOptions, StoredSecurityHubFinding } from './simulated-security-hub';

// ---------------------------------------------------------------------------------------------
// What an organization is made of

export interface SimulatedAccessKeySpec {
  /** Generated (`AKIA` + account id + counter) when absent. */
  id?: string;
  status?: 'Active' | 'Inactive';
  created: string;
  /** Absent or null: never used. */
  lastUsed?: { date: string; service: string; region: string } | null;
}

export type SimulatedMfaSpec =
  | { type: 'virtual'; enabled?: string }
  | { type: 'hardware'; serial?: string; enabled?: string }
  /** FIDO security key: its serial is an ARN `arn:aws:iam::<acct>:u2f/user/<name>/<id>`. */
  | { type: 'security-key'; id?: string; enabled?: string };

/** A policy document as written in IAM (`Version`, `Statement`). */
export type SimulatedPolicyDocument = Record<string, unknown>;

/** What gives a user, group or role its permissions. Policies are named by ARN (`arn:aws:iam::aws:policy/AdministratorAccess`). */
export interface SimulatedPrincipalPoliciesSpec {
  attachedPolicies?: string[];
  inlinePolicies?: { name: string; document: SimulatedPolicyDocument }[];
  /** ARN of a managed policy used as permissions boundary (users and roles). */
  permissionsBoundary?: string;
}

export interface SimulatedGroupSpec extends SimulatedPrincipalPoliciesSpec {
  name: string;
}

export interface SimulatedRoleSpec extends SimulatedPrincipalPoliciesSpec {
  name: string;
  path?: string;
  created?: string;
  /** The trust policy. */
  trust: SimulatedPolicyDocument;
  /** `RoleLastUsed`; absent or null: never used. */
  lastUsed?: string | null;
}

/** A customer managed policy of the account. */
export interface SimulatedManagedPolicySpec {
  name: string;
  path?: string;
  document: SimulatedPolicyDocument;
}

export interface SimulatedPasswordPolicySpec {
  MinimumPasswordLength?: number;
  PasswordReusePrevention?: number;
  MaxPasswordAge?: number;
  RequireSymbols?: boolean;
  RequireNumbers?: boolean;
  RequireUppercaseCharacters?: boolean;
  RequireLowercaseCharacters?: boolean;
}

export interface SimulatedUserSpec extends SimulatedPrincipalPoliciesSpec {
  name: string;
  /** Group names (the groups are the account's `groups`). */
  groups?: string[];
  path?: string;
  created?: string;
  /** Present: the user has a console password (login profile). */
  password?: { created?: string; lastUsed?: string | null; lastChanged?: string };
  /** At most two, as in IAM. */
  accessKeys?: SimulatedAccessKeySpec[];
  mfa?: SimulatedMfaSpec[];
}

export interface SimulatedRootSpec {
  mfa?: 'virtual' | 'hardware' | 'none';
  /** false: no root password (centralized root access removed it); default true. */
  password?: boolean;
  accessKeys?: SimulatedAccessKeySpec[];
  passwordLastUsed?: string | null;
}

export interface SimulatedEventSpec {
  eventName: string;
  /** Default `iam.amazonaws.com` (`signin.amazonaws.com` for ConsoleLogin). */
  eventSource?: string;
  eventTime: string;
  /** The caller; `root` for the root user. */
  username?: string;
  resources?: { type: string; name: string }[];
  sourceIPAddress?: string;
  /** Region the event is recorded in; IAM events are in us-east-1. */
  region?: string;
  /** ConsoleLogin result. */
  consoleLogin?: 'Success' | 'Failure';
  errorCode?: string;
  eventId?: string;
}

export interface SimulatedAccountSpec {
  id: string;
  name: string;
  email?: string;
  /** `ACTIVE` (default), `SUSPENDED`, `PENDING_CLOSURE`... */
  state?: string;
  /** `Status`: answer with the retired `Status` field only, as older organizations did. */
  stateField?: 'State' | 'Status';
  created?: string;
  /** `missing`: AssumeRole into the audit role is denied, as AWS does for a role that does not exist. */
  auditRole?: 'present' | 'missing';
  /** When set, AssumeRole must pass this ExternalId. */
  externalId?: string;
  /** A function is called once, on first use: large organizations are built lazily. */
  users?: SimulatedUserSpec[] | (() => SimulatedUserSpec[]);
  root?: SimulatedRootSpec;
  events?: SimulatedEventSpec[] | (() => SimulatedEventSpec[]);
  /** Virtual MFA devices created but not assigned to anyone. */
  unassignedVirtualMfaDevices?: number;
  groups?: SimulatedGroupSpec[];
  roles?: SimulatedRoleSpec[];
  /** Customer managed policies. */
  policies?: SimulatedManagedPolicySpec[];
  /**
   * null: the account has no password policy (GetAccountPasswordPolicy answers NoSuchEntity).
   * Absent: one that meets CIS AWS Foundations (14 characters, 24 passwords remembered).
   */
  passwordPolicy?: SimulatedPasswordPolicySpec | null;
  /** A credential report generated less than four hours ago exists: GenerateCredentialReport answers COMPLETE at once. */
  credentialReportExists?: boolean;
  /** The credential report's content as answered instead of the genuine one (`garbage\n`, an HTML page...). */
  credentialReportContent?: string;
}

export interface SimulatedFault {
  /** Operation name without `Command`: `ListMFADevices`, `AssumeRole`, `ListAccounts`... */
  operation: string;
  /**
   * The account the call concerns: for AssumeRole the target account, for Organizations and
   * GetCallerIdentity the caller's account, for IAM and CloudTrail the account whose
   * credentials signed the call. Absent: every account.
   */
  accountId?: string;
  /** The error answered. Give this or `connection`. */
  error?: SimulatedErrorCode | (() => Error);
  /**
   * A fault on the wire instead of an answer: `hang` accepts the request and never answers,
   * `drop` cuts the connection while the request is sent, `empty-200`, `html-200` and
   * `foreign-xml-200` answer 200 with a body that is not the operation's answer. Played by a real local server, so the
   * client's timeouts and retries are the real ones.
   */
  connection?: ConnectionFault;
  /** How many calls fail; absent: every call. */
  times?: number;
  /** Only calls whose input matches, e.g. `(input) => input.UserName === 'alice'`. */
  matches?: (input: Record<string, unknown>) => boolean;
}

export interface SimulatedOrganizationOptions {
  managementAccountId: string;
  partition?: string;
  organizationId?: string;
  /** Name of the audit role that exists in the accounts (default `OrganizationAccountAccessRole`). */
  auditRoleName?: string;
  /** Who the auditor's own credentials belong to; default `arn:<partition>:iam::<management>:user/auditor`. */
  callerArn?: string;
  /** Page sizes: Organizations at most 20, IAM 100 and CloudTrail 50 by default, as in AWS. */
  pageSizes?: { organizations?: number; iam?: number; cloudTrail?: number };
  /** Lifetime of AssumeRole credentials (fractions allowed). Default 3600. */
  sessionDurationSeconds?: number;
  /** Calls that still answer "in progress" after the first GenerateCredentialReport. Default 0. */
  credentialReportInProgressCalls?: number;
  /** Added to every call, for benchmarks. */
  latencyMs?: number;
  /** A share of all calls (0..1) answered with throttling; the same seed throttles the same calls. */
  randomThrottling?: { rate: number; seed: number };
  /** Throttle LookupEvents beyond 2 calls per second per account, as CloudTrail does. */
  enforceLookupEventsRate?: boolean;
  /** Security Hub in every account (the auditor imports into its own): enabled by default, rate limits not enforced. */
  securityHub?: SimulatedSecurityHubOptions;
  /** Keep every call (operation, account, input) in `callLog`. */
  recordCalls?: boolean;
  /**
   * Keep the resolved users, keys and events of at most this many accounts, least recently used
   * dropped first, and build credential report contents when they are read. Accounts given with
   * `users` and `events` functions are rebuilt identically when needed again, so a benchmark of
   * 10,000 accounts measures the auditor's memory rather than the fixture's. Default: keep all.
   */
  maxAccountsInMemory?: number;
  now?: () => Date;
}

export interface SimulatedCall {
  service: SimulatedService;
  operation: string;
  accountId: string;
  input: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Internal state

interface ResolvedAccessKey {
  id: string;
  userName: string;
  status: 'Active' | 'Inactive';
  created: Date;
  lastUsed: { date: Date; service: string; region: string } | null;
}

interface ResolvedMfaDevice {
  serial: string;
  type: SimulatedMfaSpec['type'];
  enabled: Date;
}

interface ResolvedUser {
  spec: SimulatedUserSpec;
  arn: string;
  userId: string;
  path: string;
  created: Date;
  keys: ResolvedAccessKey[];
  mfa: ResolvedMfaDevice[];
}

interface ResolvedEvent {
  spec: SimulatedEventSpec;
  id: string;
  time: Date;
  source: string;
  region: string;
}

interface AccountData {
  users: ResolvedUser[];
  usersByName: Map<string, ResolvedUser>;
  keysById: Map<string, ResolvedAccessKey>;
  rootKeys: ResolvedAccessKey[];
  events: ResolvedEvent[];
}

interface CredentialReportState {
  status: 'none' | 'generating' | 'complete';
  inProgressCallsLeft: number;
  generatedAt?: Date;
  content?: Uint8Array;
}

interface Session {
  accountId: string;
  roleName: string;
  sessionName: string;
  expiration: Date;
}

interface Caller {
  accountId: string;
  arn: string;
  session: Session | null;
}

interface StoredObject {
  body: Buffer;
  contentType: string | undefined;
  lastModified: Date;
}

interface MultipartUploadState {
  bucket: string;
  key: string;
  contentType: string | undefined;
  parts: Map<number, Buffer>;
}

/** What `handle` tells the middleware when a call is to meet a fault on the wire rather than an answer. */
export interface ConnectionFaultOrder {
  connectionFault: ConnectionFault;
}

function isConnectionFaultOrder(value: object): value is ConnectionFaultOrder {
  return 'connectionFault' in value;
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const pieces: Buffer[] = [];
    for await (const piece of body) pieces.push(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece as Uint8Array));
    return Buffer.concat(pieces);
  }
  throw new Error(`The simulated S3 cannot read a body of type ${typeof body}`);
}

/** A GetObject body as the SDK gives one in Node: a stream that can also be read whole. */
function objectBody(bytes: Buffer): Readable {
  return Object.assign(Readable.from([bytes]), {
    transformToString: async (encoding?: BufferEncoding) => bytes.toString(encoding ?? 'utf8'),
    transformToByteArray: async () => new Uint8Array(bytes),
  });
}

const DEFAULT_CREATED = '2015-01-01T00:00:00.000Z';
const MANAGEMENT_SECRET = 'simulated-management-secret';

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

function encodeToken(offset: number): string {
  return Buffer.from(`simulated:${offset}`).toString('base64');
}

function decodeToken(token: unknown): number | null {
  if (token === undefined || token === null || token === '') return 0;
  if (typeof token !== 'string') return null;
  const match = /^simulated:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  return match ? Number(match[1]) : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function base36(value: number, width: number): string {
  return value.toString(36).toUpperCase().padStart(width, '0');
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

// ---------------------------------------------------------------------------------------------

export class SimulatedOrganization {
  readonly partition: string;
  readonly managementAccountId: string;
  readonly organizationId: string;
  readonly auditRoleName: string;
  readonly callerArn: string;
  /** The access key id of the auditor's own (management) credentials. */
  readonly managementAccessKeyId: string;
  readonly callLog: SimulatedCall[] = [];
  /** The findings imported into Security Hub, per account and region. */
  readonly securityHub: SimulatedSecurityHub;

  private readonly options: SimulatedOrganizationOptions;
  private readonly accounts: SimulatedAccountSpec[] = [];
  private readonly accountsById = new Map<string, SimulatedAccountSpec>();
  private readonly accountData = new Map<string, AccountData>();
  private readonly reports = new Map<string, CredentialReportState>();
  private readonly sessions = new Map<string, Session>();
  private readonly faults: { fault: SimulatedFault; served: number }[] = [];
  private readonly lookupEventTimes = new Map<string, number[]>();
  private sessionCounter = 0;
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly multipartUploads = new Map<string, MultipartUploadState>();
  private multipartUploadCounter = 0;
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
    this.callerArn = options.callerArn ?? `arn:${this.partition}:iam::${options.managementAccountId}:user/auditor`;
    this.managementAccessKeyId = `AKIA${options.managementAccountId}AUDT`;
    this.securityHub = new SimulatedSecurityHub(this.partition, () => this.now(), options.securityHub);
  }

  now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }

  addAccount(spec: SimulatedAccountSpec): this {
    if (!/^\d{12}$/.test(spec.id)) throw new Error(`account id must be 12 digits, got "${spec.id}"`);
    if (this.accountsById.has(spec.id)) throw new Error(`account ${spec.id} added twice`);
    this.accounts.push(spec);
    this.accountsById.set(spec.id, spec);
    return this;
  }

  /** Adds `count` accounts made by `build(index)`; give `users` as a function to keep this cheap. */
  addAccounts(count: number, build: (index: number) => SimulatedAccountSpec): this {
    for (let index = 0; index < count; index += 1) this.addAccount(build(index));
    return this;
  }

  account(accountId: string): SimulatedAccountSpec | undefined {
    return this.accountsById.get(accountId);
  }

  get accountCount(): number {
    return this.accounts.length;
  }

  injectFault(fault: SimulatedFault): this {
    if ((fault.error === undefined) === (fault.connection === undefined)) throw new Error(`a fault on ${fault.operation} needs either an error or a connection fault`);
    this.faults.push({ fault, served: 0 });
    return this;
  }

  /** An S3 bucket the auditor's credentials may write to and read from. */
  addBucket(name: string): this {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
    return this;
  }

  /** An object's body and content type, or undefined when there is no such object. */
  s3Object(bucket: string, key: string): { body: Buffer; contentType: string | undefined } | undefined {
    const stored = this.buckets.get(bucket)?.get(key);
    return stored === undefined ? undefined : { body: stored.body, contentType: stored.contentType };
  }

  /** The keys of a bucket, sorted. */
  s3Keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  /** Multipart uploads begun and neither completed nor aborted (S3 would keep charging for their parts). */
  openMultipartUploads(): number {
    return this.multipartUploads.size;
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

  /** Credentials the auditor would have from its environment. */
  managementCredentials(): AwsCredentialIdentity {
    return { accessKeyId: this.managementAccessKeyId, secretAccessKey: MANAGEMENT_SECRET };
  }

  /** Answers one command. Called by the middleware; public so the factory can attach it to any client. */
  async handle(service: SimulatedService, region: string, commandName: string, input: Record<string, unknown>, accessKeyId: string | null): Promise<object | ConnectionFaultOrder> {
    const operation = commandName.replace(/Command$/, '');
    // Credentials are checked on arrival, before the latency, which stands for the time to answer.
    const caller = this.identify(service, accessKeyId);
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
      if (service === 's3') return this.answerS3(operation, { ...input, Body: await bodyBytes(input.Body) }, caller);
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

  private identify(service: SimulatedService, accessKeyId: string | null): Caller | Error {
    const context = { service, action: 'sts:GetCallerIdentity', callerArn: 'anonymous' };
    if (accessKeyId === this.managementAccessKeyId) {
      return { accountId: this.managementAccountId, arn: this.callerArn, session: null };
    }
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (!session) return simulatedError('InvalidClientTokenId', context);
    if (session.expiration.getTime() <= this.now().getTime()) return simulatedError('ExpiredToken', context);
    return {
      accountId: session.accountId,
      arn: `arn:${this.partition}:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
      session,
    };
  }

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

  private answer(service: SimulatedService, region: string, operation: string, input: Record<string, unknown>, caller: Caller): object {
    const context = { service, action: `${service}:${operation}`, callerArn: caller.arn };
    if (service === 'securityhub') return this.securityHub.answer(operation, input, caller, region);
    switch (operation) {
      case 'ListAccounts':
        return this.listAccounts(input);
      case 'DescribeOrganization':
        return this.describeOrganization();
      case 'GetCallerIdentity':
        return { $metadata: this.okMetadata(), Account: caller.accountId, Arn: caller.arn, UserId: caller.session ? `AROA${caller.accountId}:${caller.session.sessionName}` : `AIDA${caller.accountId}` };
      case 'AssumeRole':
        return this.assumeRole(input, caller);
      case 'GenerateCredentialReport':
        return this.generateCredentialReport(caller.accountId);
      case 'GetCredentialReport':
        return this.getCredentialReport(caller.accountId, context);
      case 'ListUsers':
        return this.listUsers(caller.accountId, input);
      case 'ListAccessKeys':
        return this.listAccessKeys(caller.accountId, input, context);
      case 'ListVirtualMFADevices':
        return this.listVirtualMfaDevices(caller.accountId, input);
      case 'ListMFADevices':
        return this.listMfaDevices(caller.accountId, input, context);
      case 'GetAccountSummary':
        return this.getAccountSummary(caller.accountId);
      case 'GetLoginProfile':
        return this.getLoginProfile(caller.accountId, input, context);
      case 'GetAccessKeyLastUsed':
        return this.getAccessKeyLastUsed(caller.accountId, input, context);
      case 'LookupEvents':
        return this.lookupEvents(caller.accountId, region, input);
      case 'GetAccountAuthorizationDetails':
        return this.getAccountAuthorizationDetails(caller.accountId, input);
      case 'GetAccountPasswordPolicy':
        return this.getAccountPasswordPolicy(caller.accountId, context);
      default:
        throw new Error(`The simulated AWS does not implement ${service}:${operation}`);
    }
  }

  private okMetadata(): { httpStatusCode: number; requestId: string } {
    return { httpStatusCode: 200, requestId: 'simulated' };
  }

  private pageSize(kind: 'organizations' | 'iam' | 'cloudTrail', requested: unknown): number {
    const defaults = { organizations: 20, iam: 100, cloudTrail: 50 };
    const configured = this.options.pageSizes?.[kind] ?? defaults[kind];
    return typeof requested === 'number' && requested > 0 ? Math.min(requested, configured) : configured;
  }

  private invalidToken(service: SimulatedService): Error {
    return simulatedServiceError(service, service === 'iam' ? 'InvalidInput' : 'InvalidNextTokenException', 'The pagination token is not valid.');
  }

  private page<T>(service: SimulatedService, items: T[], token: unknown, size: number): { items: T[]; next: string | undefined } {
    const offset = decodeToken(token);
    if (offset === null || offset > items.length) throw this.invalidToken(service);
    const end = offset + size;
    return { items: items.slice(offset, end), next: end < items.length ? encodeToken(end) : undefined };
  }

  // S3 -----------------------------------------------------------------------------------------

  private bucket(input: Record<string, unknown>, caller: Caller): Map<string, StoredObject> {
    const name = typeof input.Bucket === 'string' ? input.Bucket : '';
    const bucket = this.buckets.get(name);
    if (!bucket) throw simulatedError('NoSuchBucket', { service: 's3', action: 's3:PutObject', callerArn: caller.arn, resource: name });
    return bucket;
  }

  private answerS3(operation: string, input: Record<string, unknown>, caller: Caller): object {
    const bucket = this.bucket(input, caller);
    const key = typeof input.Key === 'string' ? input.Key : '';
    const contentType = typeof input.ContentType === 'string' ? input.ContentType : undefined;
    const body = input.Body as Buffer;
    const etag = (bytes: Buffer) => `"${bytes.length.toString(16)}-${this.sessionCounter}"`;
    const upload = (): MultipartUploadState => {
      const state = typeof input.UploadId === 'string' ? this.multipartUploads.get(input.UploadId) : undefined;
      if (!state) throw simulatedError('NoSuchUpload', { service: 's3', action: `s3:${operation}`, callerArn: caller.arn });
      return state;
    };
    switch (operation) {
      case 'PutObject':
        bucket.set(key, { body, contentType, lastModified: this.now() });
        return { $metadata: this.okMetadata(), ETag: etag(body) };
      case 'GetObject': {
        const stored = bucket.get(key);
        if (!stored) throw simulatedError('NoSuchKey', { service: 's3', action: 's3:GetObject', callerArn: caller.arn });
        return { $metadata: this.okMetadata(), Body: objectBody(stored.body), ContentType: stored.contentType, ContentLength: stored.body.length };
      }
      case 'ListObjectsV2': {
        const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
        const keys = [...bucket.keys()].filter((candidate) => candidate.startsWith(prefix)).sort();
        const size = typeof input.MaxKeys === 'number' && input.MaxKeys > 0 ? Math.min(input.MaxKeys, 1000) : 1000;
        const { items, next } = this.page('s3', keys, input.ContinuationToken, size);
        const contents = items.map((item) => ({ Key: item, Size: bucket.get(item)?.body.length, LastModified: bucket.get(item)?.lastModified }));
        return { $metadata: this.okMetadata(), Contents: contents, KeyCount: contents.length, IsTruncated: next !== undefined, NextContinuationToken: next };
      }
      case 'CreateMultipartUpload': {
        this.multipartUploadCounter += 1;
        const uploadId = `simulated-upload-${this.multipartUploadCounter}`;
        this.multipartUploads.set(uploadId, { bucket: String(input.Bucket), key, contentType, parts: new Map() });
        return { $metadata: this.okMetadata(), Bucket: input.Bucket, Key: key, UploadId: uploadId };
      }
      case 'UploadPart': {
        const state = upload();
        state.parts.set(Number(input.PartNumber), body);
        return { $metadata: this.okMetadata(), ETag: etag(body) };
      }
      case 'CompleteMultipartUpload': {
        const state = upload();
        const listed = ((input.MultipartUpload as { Parts?: { PartNumber?: number }[] } | undefined)?.Parts ?? []).map((part) => Number(part.PartNumber));
        const missing = listed.filter((number) => !state.parts.has(number));
        if (listed.length === 0 || missing.length > 0) throw simulatedServiceError('s3', 'InvalidPart', `One or more of the specified parts could not be found: ${missing.join(', ')}`);
        const whole = Buffer.concat([...listed].sort((a, b) => a - b).map((number) => state.parts.get(number) as Buffer));
        bucket.set(state.key, { body: whole, contentType: state.contentType, lastModified: this.now() });
        this.multipartUploads.delete(String(input.UploadId));
        return { $metadata: this.okMetadata(), Bucket: state.bucket, Key: state.key, ETag: etag(whole) };
      }
      case 'AbortMultipartUpload':
        upload();
        this.multipartUploads.delete(String(input.UploadId));
        return { $metadata: this.okMetadata() };
      default:
        throw new Error(`The simulated AWS does not implement s3:${operation}`);
    }
  }

  // Organizations ------------------------------------------------------------------------------

  private listAccounts(input: Record<string, unknown>): object {
    const { items, next } = this.page('organizations', this.accounts, input.NextToken, this.pageSize('organizations', input.MaxResults));
    return {
      $metadata: this.okMetadata(),
      NextToken: next,
      Accounts: items.map((account) => {
        const state = account.state ?? 'ACTIVE';
        const base = {
          Id: account.id,
          Arn: `arn:${this.partition}:organizations::${this.managementAccountId}:account/${this.organizationId}/${account.id}`,
          Name: account.name,
          Email: account.email ?? `aws+${account.id}@example.com`,
          JoinedMethod: account.id === this.managementAccountId ? 'CREATED' : 'INVITED',
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

  private describeOrganization(): object {
    return {
      $metadata: this.okMetadata(),
      Organization: {
        Id: this.organizationId,
        Arn: `arn:${this.partition}:organizations::${this.managementAccountId}:organization/${this.organizationId}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:${this.partition}:organizations::${this.managementAccountId}:account/${this.organizationId}/${this.managementAccountId}`,
        MasterAccountId: this.managementAccountId,
        MasterAccountEmail: `aws+${this.managementAccountId}@example.com`,
      },
    };
  }

  // STS ----------------------------------------------------------------------------------------

  private assumeRole(input: Record<string, unknown>, caller: Caller): object {
    const roleArn = typeof input.RoleArn === 'string' ? input.RoleArn : '';
    const sessionName = typeof input.RoleSessionName === 'string' ? input.RoleSessionName : '';
    const denied = simulatedError('AccessDenied', { service: 'sts', action: 'sts:AssumeRole', callerArn: caller.arn, resource: roleArn });
    const match = /^arn:([^:]+):iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw simulatedServiceError('sts', 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`);
    }
    if (!match || match[1] !== this.partition) throw denied;
    const [, , accountId, roleName] = match;
    const account = this.accountsById.get(accountId);
    if (!account || roleName !== this.auditRoleName || account.auditRole === 'missing') throw denied;
    if ((account.state ?? 'ACTIVE') === 'SUSPENDED') throw denied;
    if (account.externalId !== undefined && input.ExternalId !== account.externalId) throw denied;
    this.sessionCounter += 1;
    const accessKeyId = `ASIA${accountId}${base36(this.sessionCounter, 4)}`;
    const durationMs = (this.options.sessionDurationSeconds ?? 3600) * 1000;
    const expiration = new Date(this.now().getTime() + durationMs);
    this.sessions.set(accessKeyId, { accountId, roleName, sessionName, expiration });
    return {
      $metadata: this.okMetadata(),
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `simulated-secret-${this.sessionCounter}`,
        SessionToken: `simulated-session-token-${this.sessionCounter}`,
        Expiration: expiration,
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROA${accountId}:${sessionName}`,
        Arn: `arn:${this.partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      },
    };
  }

  // IAM ----------------------------------------------------------------------------------------

  private data(accountId: string): AccountData {
    const cached = this.accountData.get(accountId);
    if (cached) {
      if (this.options.maxAccountsInMemory !== undefined) {
        // Map keeps insertion order: re-inserting makes this the most recently used account.
        this.accountData.delete(accountId);
        this.accountData.set(accountId, cached);
      }
      return cached;
    }
    const account = this.accountsById.get(accountId);
    if (!account) throw new Error(`The simulated organization has no account ${accountId}`);
    let keyCounter = 0;
    const nextKeyId = () => `AKIA${accountId}${base36(++keyCounter, 4)}`;
    const resolveKey = (spec: SimulatedAccessKeySpec, userName: string): ResolvedAccessKey => ({
      id: spec.id ?? nextKeyId(),
      userName,
      status: spec.status ?? 'Active',
      created: new Date(spec.created),
      lastUsed: spec.lastUsed ? { date: new Date(spec.lastUsed.date), service: spec.lastUsed.service, region: spec.lastUsed.region } : null,
    });
    const userSpecs = typeof account.users === 'function' ? account.users() : (account.users ?? []);
    const usersByName = new Map<string, ResolvedUser>();
    const keysById = new Map<string, ResolvedAccessKey>();
    const users = userSpecs.map((spec, index): ResolvedUser => {
      if (usersByName.has(spec.name)) throw new Error(`account ${accountId}: user ${spec.name} added twice`);
      if ((spec.accessKeys ?? []).length > 2) throw new Error(`account ${accountId}: user ${spec.name} has more than two access keys, IAM allows two`);
      const path = spec.path ?? '/';
      const keys = (spec.accessKeys ?? []).map((key) => resolveKey(key, spec.name));
      const mfa = (spec.mfa ?? []).map((device, deviceIndex): ResolvedMfaDevice => {
        const enabled = new Date(device.enabled ?? spec.created ?? DEFAULT_CREATED);
        switch (device.type) {
          case 'virtual':
            return { type: 'virtual', serial: `arn:${this.partition}:iam::${accountId}:mfa/${spec.name}${deviceIndex > 0 ? `-${deviceIndex}` : ''}`, enabled };
          case 'hardware':
            return { type: 'hardware', serial: device.serial ?? `GAHT${String(index * 10 + deviceIndex).padStart(8, '0')}`, enabled };
          case 'security-key':
            return { type: 'security-key', serial: `arn:${this.partition}:iam::${accountId}:u2f/user/${spec.name}/${device.id ?? `default-${base36(index * 10 + deviceIndex, 26)}`}`, enabled };
        }
      });
      const user: ResolvedUser = {
        spec,
        arn: `arn:${this.partition}:iam::${accountId}:user${path}${spec.name}`,
        userId: `AIDA${accountId}${base36(index, 5)}`,
        path,
        created: new Date(spec.created ?? DEFAULT_CREATED),
        keys,
        mfa,
      };
      usersByName.set(spec.name, user);
      for (const key of keys) keysById.set(key.id, key);
      return user;
    });
    const rootKeys = (account.root?.accessKeys ?? []).map((key) => resolveKey(key, '<root_account>'));
    for (const key of rootKeys) keysById.set(key.id, key);
    const eventSpecs = typeof account.events === 'function' ? account.events() : (account.events ?? []);
    const events = eventSpecs
      .map((spec, index): ResolvedEvent => ({
        spec,
        id: spec.eventId ?? `${accountId}-event-${index}`,
        time: new Date(spec.eventTime),
        source: spec.eventSource ?? (spec.eventName === 'ConsoleLogin' ? 'signin.amazonaws.com' : 'iam.amazonaws.com'),
        region: spec.region ?? 'us-east-1',
      }))
      .sort((a, b) => b.time.getTime() - a.time.getTime());
    const data: AccountData = { users, usersByName, keysById, rootKeys, events };
    this.accountData.set(accountId, data);
    const limit = this.options.maxAccountsInMemory;
    if (limit !== undefined && this.accountData.size > Math.max(1, limit)) {
      const oldest = this.accountData.keys().next().value;
      if (oldest !== undefined) this.accountData.delete(oldest);
    }
    return data;
  }

  private report(accountId: string): CredentialReportState {
    let state = this.reports.get(accountId);
    if (!state) {
      const exists = this.accountsById.get(accountId)?.credentialReportExists === true;
      state = { status: 'none', inProgressCallsLeft: 0 };
      if (exists) this.completeReport(accountId, state);
      this.reports.set(accountId, state);
    }
    return state;
  }

  private completeReport(accountId: string, state: CredentialReportState): void {
    state.status = 'complete';
    state.generatedAt = this.now();
    if (this.options.maxAccountsInMemory === undefined) state.content = this.reportContent(accountId);
  }

  private reportContent(accountId: string): Uint8Array {
    const account = this.accountsById.get(accountId);
    if (!account) throw new Error(`The simulated organization has no account ${accountId}`);
    if (account.credentialReportContent !== undefined) return new TextEncoder().encode(account.credentialReportContent);
    const data = this.data(accountId);
    const rows = [
      CREDENTIAL_REPORT_HEADER,
      rootReportRow({ partition: this.partition, accountId, created: account.created ?? DEFAULT_CREATED, root: account.root ?? {} }),
      ...data.users.map((user) => userReportRow({ arn: user.arn, user: user.spec, created: user.created.toISOString() })),
    ];
    return new TextEncoder().encode(rows.join('\n'));
  }

  /** Advances a report being generated by one call; true once it is complete. */
  private advanceReport(accountId: string, state: CredentialReportState): boolean {
    if (state.status === 'generating') {
      if (state.inProgressCallsLeft > 0) state.inProgressCallsLeft -= 1;
      else this.completeReport(accountId, state);
    }
    return state.status === 'complete';
  }

  private generateCredentialReport(accountId: string): object {
    const state = this.report(accountId);
    if (state.status === 'none') {
      state.status = 'generating';
      state.inProgressCallsLeft = this.options.credentialReportInProgressCalls ?? 0;
      return { $metadata: this.okMetadata(), State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
    }
    const complete = this.advanceReport(accountId, state);
    return { $metadata: this.okMetadata(), State: complete ? 'COMPLETE' : 'INPROGRESS' };
  }

  private getCredentialReport(accountId: string, context: { service: SimulatedService; action: string; callerArn: string }): object {
    const state = this.report(accountId);
    if (state.status === 'none') throw simulatedError('ReportNotPresent', context);
    if (!this.advanceReport(accountId, state)) throw simulatedError('ReportInProgress', context);
    return { $metadata: this.okMetadata(), Content: state.content ?? this.reportContent(accountId), ReportFormat: 'text/csv', GeneratedTime: state.generatedAt };
  }

  private userShape(user: ResolvedUser): object {
    const lastUsed = user.spec.password?.lastUsed;
    return {
      Path: user.path,
      UserName: user.spec.name,
      UserId: user.userId,
      Arn: user.arn,
      CreateDate: user.created,
      ...(lastUsed ? { PasswordLastUsed: new Date(lastUsed) } : {}),
    };
  }

  private iamPage<T>(items: T[], input: Record<string, unknown>): { items: T[]; IsTruncated: boolean; Marker?: string } {
    const { items: pageItems, next } = this.page('iam', items, input.Marker, this.pageSize('iam', input.MaxItems));
    return next ? { items: pageItems, IsTruncated: true, Marker: next } : { items: pageItems, IsTruncated: false };
  }

  private listUsers(accountId: string, input: Record<string, unknown>): object {
    const { items, ...paging } = this.iamPage(this.data(accountId).users, input);
    return { $metadata: this.okMetadata(), Users: items.map((user) => this.userShape(user)), ...paging };
  }

  private namedUser(accountId: string, input: Record<string, unknown>, context: { service: SimulatedService; action: string; callerArn: string }): ResolvedUser {
    const userName = input.UserName;
    if (typeof userName !== 'string') {
      // Without UserName, IAM answers for the calling user, and an assumed role is not one.
      throw simulatedServiceError(context.service, 'ValidationError', 'Must specify userName when calling with non-User credentials');
    }
    const user = this.data(accountId).usersByName.get(userName);
    if (!user) throw simulatedError('NoSuchEntity', { ...context, resource: `user with name ${userName}` });
    return user;
  }

  private listAccessKeys(accountId: string, input: Record<string, unknown>, context: { service: SimulatedService; action: string; callerArn: string }): object {
    const user = this.namedUser(accountId, input, context);
    const { items, ...paging } = this.iamPage(user.keys, input);
    return {
      $metadata: this.okMetadata(),
      AccessKeyMetadata: items.map((key) => ({ UserName: user.spec.name, AccessKeyId: key.id, Status: key.status, CreateDate: key.created })),
      ...paging,
    };
  }

  private listVirtualMfaDevices(accountId: string, input: Record<string, unknown>): object {
    const data = this.data(accountId);
    const account = this.accountsById.get(accountId);
    const assignment = typeof input.AssignmentStatus === 'string' ? input.AssignmentStatus : 'Any';
    const devices: object[] = [];
    if (assignment !== 'Unassigned') {
      if (account?.root?.mfa === 'virtual') {
        devices.push({
          SerialNumber: `arn:${this.partition}:iam::${accountId}:mfa/root-account-mfa-device`,
          User: { Path: '', UserId: accountId, Arn: `arn:${this.partition}:iam::${accountId}:root`, CreateDate: new Date(account.created ?? DEFAULT_CREATED) },
          EnableDate: new Date(account.created ?? DEFAULT_CREATED),
        });
      }
      for (const user of data.users) {
        for (const device of user.mfa) {
          if (device.type === 'virtual') devices.push({ SerialNumber: device.serial, User: this.userShape(user), EnableDate: device.enabled });
        }
      }
    }
    if (assignment !== 'Assigned') {
      for (let index = 0; index < (account?.unassignedVirtualMfaDevices ?? 0); index += 1) {
        devices.push({ SerialNumber: `arn:${this.partition}:iam::${accountId}:mfa/unassigned-${index}` });
      }
    }
    const { items, ...paging } = this.iamPage(devices, input);
    return { $metadata: this.okMetadata(), VirtualMFADevices: items, ...paging };
  }

  private listMfaDevices(accountId: string, input: Record<string, unknown>, context: { service: SimulatedService; action: string; callerArn: string }): object {
    const user = this.namedUser(accountId, input, context);
    const { items, ...paging } = this.iamPage(user.mfa, input);
    return {
      $metadata: this.okMetadata(),
      MFADevices: items.map((device) => ({ UserName: user.spec.name, SerialNumber: device.serial, EnableDate: device.enabled })),
      ...paging,
    };
  }

  private getAccountAuthorizationDetails(accountId: string, input: Record<string, unknown>): object {
    const account = this.accountsById.get(accountId);
    if (!account) throw new Error(`The simulated organization has no account ${accountId}`);
    const users = this.data(accountId).users.map((user) => ({ name: user.spec.name, arn: user.arn, userId: user.userId, path: user.path, created: user.created, policies: user.spec }));
    const filter = Array.isArray(input.Filter) ? input.Filter.filter((entry): entry is string => typeof entry === 'string') : null;
    const { items, ...paging } = this.iamPage(authorizationDetailEntries(account, users, this.partition, filter), input);
    const lists: Record<string, object[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    for (const entry of items) lists[entry.kind].push(entry.detail);
    return { $metadata: this.okMetadata(), ...lists, ...paging };
  }

  private getAccountPasswordPolicy(accountId: string, context: { service: SimulatedService; action: string; callerArn: string }): object {
    const spec = this.accountsById.get(accountId)?.passwordPolicy;
    const policy = spec === undefined ? { MinimumPasswordLength: 14, PasswordReusePrevention: 24 } : spec;
    if (policy === null) throw simulatedError('NoSuchEntity', { ...context, resource: `Password Policy for account ${accountId}` });
    return { $metadata: this.okMetadata(), PasswordPolicy: { AllowUsersToChangePassword: true, ExpirePasswords: policy.MaxPasswordAge !== undefined, ...policy } };
  }

  private getAccountSummary(accountId: string): object {
    const account = this.accountsById.get(accountId);
    const data = this.data(accountId);
    let mfaDevicesInUse = 0;
    for (const user of data.users) mfaDevicesInUse += user.mfa.length;
    return {
      $metadata: this.okMetadata(),
      SummaryMap: {
        AccountMFAEnabled: (account?.root?.mfa ?? 'none') !== 'none' ? 1 : 0,
        AccountAccessKeysPresent: data.rootKeys.length,
        AccountPasswordPresent: account?.root?.password === false ? 0 : 1,
        AccountSigningCertificatesPresent: 0,
        Users: data.users.length,
        UsersQuota: 5000,
        MFADevices: mfaDevicesInUse + (account?.unassignedVirtualMfaDevices ?? 0),
        MFADevicesInUse: mfaDevicesInUse,
        AccessKeysPerUserQuota: 2,
      },
    };
  }

  private getLoginProfile(accountId: string, input: Record<string, unknown>, context: { service: SimulatedService; action: string; callerArn: string }): object {
    const user = this.namedUser(accountId, input, context);
    const password = user.spec.password;
    if (!password) throw simulatedError('NoSuchEntity', { ...context, resource: `Login Profile for User ${user.spec.name}` });
    return {
      $metadata: this.okMetadata(),
      LoginProfile: { UserName: user.spec.name, CreateDate: new Date(password.created ?? user.spec.created ?? DEFAULT_CREATED), PasswordResetRequired: false },
    };
  }

  private getAccessKeyLastUsed(accountId: string, input: Record<string, unknown>, context: { service: SimulatedService; action: string; callerArn: string }): object {
    const key = typeof input.AccessKeyId === 'string' ? this.data(accountId).keysById.get(input.AccessKeyId) : undefined;
    if (!key) throw simulatedError('AccessDenied', { ...context, resource: `access key ${String(input.AccessKeyId)}` });
    return {
      $metadata: this.okMetadata(),
      UserName: key.userName,
      AccessKeyLastUsed: key.lastUsed
        ? { LastUsedDate: key.lastUsed.date, ServiceName: key.lastUsed.service, Region: key.lastUsed.region }
        : { ServiceName: 'N/A', Region: 'N/A' },
    };
  }

  // CloudTrail ---------------------------------------------------------------------------------

  private lookupEvents(accountId: string, region: string, input: Record<string, unknown>): object {
    const attributes = Array.isArray(input.LookupAttributes) ? (input.LookupAttributes as { AttributeKey?: string; AttributeValue?: string }[]) : [];
    if (attributes.length > 1) {
      throw simulatedServiceError('cloudtrail', 'InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
    }
    const start = input.StartTime instanceof Date ? input.StartTime.getTime() : -Infinity;
    const end = input.EndTime instanceof Date ? input.EndTime.getTime() : Infinity;
    const attribute = attributes[0];
    const matching = this.data(accountId).events.filter((event) => {
      if (event.region !== region) return false;
      const time = event.time.getTime();
      if (time < start || time > end) return false;
      if (!attribute) return true;
      switch (attribute.AttributeKey) {
        case 'EventSource':
          return event.source === attribute.AttributeValue;
        case 'EventName':
          return event.spec.eventName === attribute.AttributeValue;
        case 'Username':
          return (event.spec.username ?? '') === attribute.AttributeValue;
        case 'EventId':
          return event.id === attribute.AttributeValue;
        case 'ResourceName':
          return (event.spec.resources ?? []).some((resource) => resource.name === attribute.AttributeValue);
        default:
          return false;
      }
    });
    const { items, next } = this.page('cloudtrail', matching, input.NextToken, this.pageSize('cloudTrail', input.MaxResults));
    return { $metadata: this.okMetadata(), NextToken: next, Events: items.map((event) => this.eventShape(accountId, event)) };
  }

  private eventShape(accountId: string, event: ResolvedEvent): object {
    const { spec } = event;
    const isRoot = spec.username === 'root';
    const userIdentity = isRoot
      ? { type: 'Root', principalId: accountId, arn: `arn:${this.partition}:iam::${accountId}:root`, accountId }
      : { type: 'IAMUser', principalId: `AIDA${accountId}`, arn: `arn:${this.partition}:iam::${accountId}:user/${spec.username ?? 'unknown'}`, accountId, userName: spec.username };
    const isLogin = spec.eventName === 'ConsoleLogin';
    const cloudTrailEvent = {
      eventVersion: '1.09',
      userIdentity,
      eventTime: event.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: event.source,
      eventName: spec.eventName,
      awsRegion: event.region,
      sourceIPAddress: spec.sourceIPAddress ?? '203.0.113.10',
      userAgent: isLogin ? 'Mozilla/5.0' : 'aws-cli/2.15.0',
      ...(spec.errorCode ? { errorCode: spec.errorCode, errorMessage: 'Failed' } : {}),
      requestParameters: isLogin ? null : { userName: spec.resources?.find((resource) => resource.type === 'AWS::IAM::User')?.name },
      responseElements: isLogin ? { ConsoleLogin: spec.consoleLogin ?? 'Success' } : null,
      ...(isLogin ? { additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com/' } } : {}),
      eventID: event.id,
      readOnly: false,
      eventType: isLogin ? 'AwsConsoleSignIn' : 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
    };
    return {
      EventId: event.id,
      EventName: spec.eventName,
      ReadOnly: 'false',
      EventTime: event.time,
      EventSource: event.source,
      Username: spec.username,
      Resources: (spec.resources ?? []).map((resource) => ({ ResourceType: resource.type, ResourceName: resource.name })),
      CloudTrailEvent: JSON.stringify(cloudTrailEvent),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Clients

function signingAccessKeyId(request: unknown): string | null {
  if (typeof request !== 'object' || request === null || !('headers' in request)) return null;
  const headers = (request as { headers: Record<string, string | undefined> }).headers;
  const authorization = headers.authorization ?? headers.Authorization;
  const match = authorization ? /Credential=([A-Z0-9]+)\//.exec(authorization) : null;
  return match ? match[1] : null;
}

/**
 * Other test files may stub a client class's `send` with aws-sdk-client-mock for the whole mocha
 * process (the stub sits on the class prototype). A simulated client keeps the SDK's genuine
 * `send` (the smithy base client's) as its own property, so it still goes through its middleware
 * stack and the simulated organization whatever other files mock.
 */
function keepGenuineSend(client: object, clientClass: { prototype: object }): void {
  const genuine = (Object.getPrototypeOf(clientClass.prototype) as { send?: unknown }).send;
  if (typeof genuine === 'function') Object.defineProperty(client, 'send', { value: genuine, writable: true, configurable: true });
}

/** `client` answered by `org` as `service` in `region`, with the SDK's own send (see keepGenuineSend). */
function answeredBy<Input extends object, Output extends MetadataBearer, Client extends { middlewareStack: MiddlewareStack<Input, Output> }>(
  org: SimulatedOrganization,
  service: SimulatedService,
  region: string,
  client: Client,
  clientClass: { prototype: object },
): Client {
  attachSimulatedAws(client, org, service, region);
  keepGenuineSend(client, clientClass);
  return client;
}

/** Answers every command of `client` from `org`. Works for any SDK v3 client. */
export function attachSimulatedAws<Input extends object, Output extends MetadataBearer>(
  client: { middlewareStack: MiddlewareStack<Input, Output> },
  org: SimulatedOrganization,
  service: SimulatedService,
  region: string,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await org.handle(service, region, context.commandName ?? 'Unknown', args.input as Record<string, unknown>, signingAccessKeyId(args.request));
      if (isConnectionFaultOrder(output)) {
        // The signed request goes to the fault server through the rest of the stack and the
        // client's own handler, whose timeouts and errors are then the real ones.
        const request = args.request as { protocol: string; hostname: string; port?: number; headers: Record<string, string> };
        request.protocol = 'http:';
        request.hostname = '127.0.0.1';
        request.port = await org.connectionFaults().port();
        request.headers[CONNECTION_FAULT_HEADER] = output.connectionFault;
        return next(args);
      }
      return { output: output as Output, response: { statusCode: 200, headers: {} } };
    },
    { step: 'deserialize', priority: 'high', name: 'simulatedAwsMiddleware' },
  );
}

export interface SimulatedClientFactoryOptions {
  /** `none`: the auditor has no credentials at all (the SDK's default chain finds nothing). */
  credentials?: 'management' | 'none';
  /** Override the retry attempts (tests of "throttled past retries" keep this small). */
  maxAttempts?: number;
  /** Override the clients' timeouts (tests of hung calls keep them short). */
  timeouts?: ClientTimeouts;
}

export interface SimulatedClientFactory extends AwsClientFactory {
  readonly organization: SimulatedOrganization;
}

export function simulatedClientFactory(org: SimulatedOrganization, options: SimulatedClientFactoryOptions = {}): SimulatedClientFactory {
  const region = 'us-east-1';
  const ownCredentials: AwsCredentialIdentityProvider =
    options.credentials === 'none'
      ? async () => {
          const error = new Error('Could not load credentials from any providers');
          error.name = 'CredentialsProviderError';
          throw error;
        }
      : async () => org.managementCredentials();
  const config = (credentials: AwsCredentialIdentityProvider, clientRegion: string) => {
    const base = auditClientConfig({ region: clientRegion, credentials, ...(options.timeouts ? { timeouts: options.timeouts } : {}) });
    return options.maxAttempts ? { ...base, maxAttempts: options.maxAttempts } : base;
  };
  return {
    organization: org,
    organizations() {
      return answeredBy(org, 'organizations', region, validatingAnswers(new OrganizationsClient(config(ownCredentials, region)), 'json'), OrganizationsClient);
    },
    sts() {
      return answeredBy(org, 'sts', region, validatingAnswers(new STSClient(config(ownCredentials, region)), 'query'), STSClient);
    },
    iam(credentials) {
      return answeredBy(org, 'iam', region, validatingAnswers(new IAMClient(config(credentials, region)), 'query'), IAMClient);
    },
    cloudTrail(credentials, trailRegion) {
      return answeredBy(org, 'cloudtrail', trailRegion, validatingAnswers(new CloudTrailClient(config(credentials, trailRegion)), 'json'), CloudTrailClient);
    },
    s3() {
      // No keepGenuineSend here: tests that stub S3Client with aws-sdk-client-mock keep their stub.
      const client = new S3Client(config(ownCredentials, region));
      attachSimulatedAws(client, org, 's3', region);
      return client;
    },
    sns() {
      return validatingAnswers(new SNSClient(config(ownCredentials, region)), 'query');
    },
    securityHub() {
      return answeredBy(org, 'securityhub', region, validatingAnswers(new SecurityHubClient(config(ownCredentials, region)), 'json'), SecurityHubClient);
    },
  };
}
