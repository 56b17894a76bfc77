// The state the per-service modules share: the accounts of the organization, each account's users,
// keys, MFA devices and events resolved from its spec (built on first use, and dropped least
// recently used first when `maxAccountsInMemory` is set), who a call comes from, and the paging
// every list operation answers with.
import { simulatedServiceError, type SimulatedService } from './simulated-errors';
import type { SimulatedAccessKeySpec, SimulatedAccountSpec, SimulatedEventSpec, SimulatedMfaSpec, SimulatedOrganizationOptions, SimulatedUserSpec } from './simulated-specs';

export interface ResolvedAccessKey {
  id: string;
  userName: string;
  status: 'Active' | 'Inactive';
  created: Date;
  lastUsed: { date: Date; service: string; region: string } | null;
}

export interface ResolvedMfaDevice {
  serial: string;
  type: SimulatedMfaSpec['type'];
  enabled: Date;
}

export interface ResolvedUser {
  spec: SimulatedUserSpec;
  arn: string;
  userId: string;
  path: string;
  created: Date;
  keys: ResolvedAccessKey[];
  mfa: ResolvedMfaDevice[];
}

export interface ResolvedEvent {
  spec: SimulatedEventSpec;
  id: string;
  time: Date;
  source: string;
  region: string;
}

export interface AccountData {
  users: ResolvedUser[];
  usersByName: Map<string, ResolvedUser>;
  keysById: Map<string, ResolvedAccessKey>;
  rootKeys: ResolvedAccessKey[];
  events: ResolvedEvent[];
}

export interface Session {
  accountId: string;
  roleName: string;
  sessionName: string;
  expiration: Date;
}

/** Who signed a call: the auditor's own credentials (no session) or an assumed role's. */
export interface Caller {
  accountId: string;
  arn: string;
  session: Session | null;
}

/** What a service's errors name: the service, the action and the caller. */
export interface CallContext {
  service: SimulatedService;
  action: string;
  callerArn: string;
}

export const DEFAULT_CREATED = '2015-01-01T00:00:00.000Z';

export function base36(value: number, width: number): string {
  return value.toString(36).toUpperCase().padStart(width, '0');
}

export function okMetadata(): { httpStatusCode: number; requestId: string } {
  return { httpStatusCode: 200, requestId: 'simulated' };
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

function invalidToken(service: SimulatedService): Error {
  return simulatedServiceError(service, service === 'iam' ? 'InvalidInput' : 'InvalidNextTokenException', 'The pagination token is not valid.');
}

/** One page of `items` from the offset `token` carries. */
export function page<T>(service: SimulatedService, items: T[], token: unknown, size: number): { items: T[]; next: string | undefined } {
  const offset = decodeToken(token);
  if (offset === null || offset > items.length) throw invalidToken(service);
  const end = offset + size;
  return { items: items.slice(offset, end), next: end < items.length ? encodeToken(end) : undefined };
}

/** The page size answered: the requested one, at most the service's (AWS's, unless the options change it). */
export function pageSize(options: SimulatedOrganizationOptions, kind: 'organizations' | 'iam' | 'cloudTrail' | 'identityCenter', requested: unknown): number {
  const defaults = { organizations: 20, iam: 100, cloudTrail: 50, identityCenter: 100 };
  const configured = options.pageSizes?.[kind] ?? defaults[kind];
  return typeof requested === 'number' && requested > 0 ? Math.min(requested, configured) : configured;
}

/** The accounts of the organization, in the order they were added, and their resolved data. */
export class SimulatedAccounts {
  readonly list: SimulatedAccountSpec[] = [];
  private readonly byId = new Map<string, SimulatedAccountSpec>();
  private readonly resolved = new Map<string, AccountData>();

  constructor(
    private readonly partition: string,
    private readonly options: SimulatedOrganizationOptions,
  ) {}

  add(spec: SimulatedAccountSpec): void {
    if (!/^\d{12}$/.test(spec.id)) throw new Error(`account id must be 12 digits, got "${spec.id}"`);
    if (this.byId.has(spec.id)) throw new Error(`account ${spec.id} added twice`);
    this.list.push(spec);
    this.byId.set(spec.id, spec);
  }

  get(accountId: string): SimulatedAccountSpec | undefined {
    return this.byId.get(accountId);
  }

  /** The account's spec; an account the organization does not have is a mistake in the test. */
  known(accountId: string): SimulatedAccountSpec {
    const account = this.byId.get(accountId);
    if (!account) throw new Error(`The simulated organization has no account ${accountId}`);
    return account;
  }

  data(accountId: string): AccountData {
    const cached = this.resolved.get(accountId);
    if (cached) {
      if (this.options.maxAccountsInMemory !== undefined) {
        // Map keeps insertion order: re-inserting makes this the most recently used account.
        this.resolved.delete(accountId);
        this.resolved.set(accountId, cached);
      }
      return cached;
    }
    const data = this.resolve(accountId, this.known(accountId));
    this.resolved.set(accountId, data);
    const limit = this.options.maxAccountsInMemory;
    if (limit !== undefined && this.resolved.size > Math.max(1, limit)) {
      const oldest = this.resolved.keys().next().value;
      if (oldest !== undefined) this.resolved.delete(oldest);
    }
    return data;
  }

  private resolve(accountId: string, account: SimulatedAccountSpec): AccountData {
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
        source: spec.eventSource ?? (spec.eventName === 'ConsoleLogin' || spec.identityCenterUser !== undefined ? 'signin.amazonaws.com' : 'iam.amazonaws.com'),
        region: spec.region ?? 'us-east-1',
      }))
      .sort((a, b) => b.time.getTime() - a.time.getTime());
    return { users, usersByName, keysById, rootKeys, events };
  }
}
