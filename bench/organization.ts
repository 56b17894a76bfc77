// The simulated organization a benchmark audits: every account alike in shape, its users drawn
// from the mix the flags give with a hash of (account, user), so both strategies, every process
// and every run see the very same organization. Users and events are built lazily and the
// simulator keeps only a few accounts resolved, so 10,000 accounts cost little memory here.
import { SimulatedOrganization, type SimulatedEventSpec, type SimulatedUserSpec } from '../simulator/simulated-aws';
import { DEFAULT_AUDIT_ROLE_NAME } from '../auditor/values/audit-role';
import type { BenchOptions } from './args';

export const BENCH_MANAGEMENT_ACCOUNT = '100000000000';
export const BENCH_ROLE_NAME = DEFAULT_AUDIT_ROLE_NAME;
/** The run's clock: key ages and the CloudTrail window are measured from it. */
export const BENCH_NOW = new Date('2026-06-01T00:00:00.000Z');

export type BenchMix = Pick<
  BenchOptions,
  'accounts' | 'users' | 'keyFraction' | 'consoleFraction' | 'virtualMfaFraction' | 'hardwareMfaFraction' | 'events'
>;

export function benchAccountId(index: number): string {
  return String(Number(BENCH_MANAGEMENT_ACCOUNT) + index).padStart(12, '0');
}

/** A number in [0, 1) fixed by its inputs (FNV-1a), so a mix is the same in every process. */
function draw(account: number, user: number, salt: string): number {
  let hash = 0x811c9dc5;
  const key = `${account}/${user}/${salt}`;
  for (let index = 0; index < key.length; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0x5bd1e995) >>> 0;
  hash = (hash ^ (hash >>> 15)) >>> 0;
  return hash / 4294967296;
}

function isoDaysBefore(days: number): string {
  return new Date(BENCH_NOW.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
}

/** What one user of one account is; the same for the same indexes. */
export function benchUser(mix: BenchMix, account: number, user: number): SimulatedUserSpec {
  const spec: SimulatedUserSpec = { name: `user-${String(user).padStart(4, '0')}`, created: isoDaysBefore(400 + (user % 300)) };
  if (draw(account, user, 'console') < mix.consoleFraction) {
    spec.password = { lastUsed: draw(account, user, 'login') < 0.2 ? null : isoDaysBefore(1 + Math.floor(draw(account, user, 'login-age') * 120)) };
  }
  const mfa = draw(account, user, 'mfa');
  if (mfa < mix.virtualMfaFraction) spec.mfa = [{ type: 'virtual' }];
  else if (mfa < mix.virtualMfaFraction + mix.hardwareMfaFraction) spec.mfa = [draw(account, user, 'mfa-kind') < 0.5 ? { type: 'hardware' } : { type: 'security-key' }];
  if (draw(account, user, 'keys') < mix.keyFraction) {
    const keyCount = draw(account, user, 'two-keys') < 0.2 ? 2 : 1;
    spec.accessKeys = Array.from({ length: keyCount }, (_, key) => {
      const neverUsed = draw(account, user, `key-${key}-unused`) < 0.25;
      return {
        // Half a day apart at least: two keys created in the same second cannot be told apart in
        // the credential report, and that rare case is not what this benchmark is about.
        created: isoDaysBefore(10 + Math.floor(draw(account, user, `key-${key}-age`) * 1500) + key / 2),
        lastUsed: neverUsed ? null : { date: isoDaysBefore(Math.floor(draw(account, user, `key-${key}-used`) * 60)), service: 's3', region: 'us-east-1' },
      };
    });
  }
  return spec;
}

export function benchUsers(mix: BenchMix, account: number): SimulatedUserSpec[] {
  return Array.from({ length: mix.users }, (_, user) => benchUser(mix, account, user));
}

const EVENT_NAMES = ['CreateAccessKey', 'DeleteAccessKey', 'CreateUser', 'EnableMFADevice'];

export function benchEvents(mix: BenchMix, account: number): SimulatedEventSpec[] {
  return Array.from({ length: mix.events }, (_, index) => ({
    eventName: EVENT_NAMES[index % EVENT_NAMES.length],
    eventTime: isoDaysBefore(1 + ((index * 7 + account) % 80)),
    username: 'admin',
    resources: [{ type: 'AWS::IAM::User', name: `user-${String(index % Math.max(1, mix.users)).padStart(4, '0')}` }],
  }));
}

export interface BenchOrganizationOptions {
  latencyMs: number;
  throttleRate: number;
  throttleSeed: number;
}

export function buildBenchOrganization(mix: BenchMix, options: BenchOrganizationOptions): SimulatedOrganization {
  const org = new SimulatedOrganization({
    managementAccountId: BENCH_MANAGEMENT_ACCOUNT,
    auditRoleName: BENCH_ROLE_NAME,
    latencyMs: options.latencyMs,
    randomThrottling: options.throttleRate > 0 ? { rate: options.throttleRate, seed: options.throttleSeed } : undefined,
    // Enough for every account in flight at the auditor's highest concurrency.
    maxAccountsInMemory: 256,
    // No simulated clock: session expiry is checked against the real one by the SDK.
  });
  return org.addAccounts(mix.accounts, (index) => ({
    id: benchAccountId(index),
    name: index === 0 ? 'management' : `account-${index}`,
    root: { mfa: index % 3 === 0 ? 'hardware' : 'virtual', passwordLastUsed: null },
    users: () => benchUsers(mix, index),
    events: () => benchEvents(mix, index),
  }));
}

/** What a strategy should find in one account: for the calls-per-account bound and the sanity checks. */
export interface ExpectedAccount {
  users: number;
  usersWithKeys: number;
  /** Users whose MFA is a hardware token or a security key: only ListMFADevices tells which. */
  usersWithNonVirtualMfa: number;
  keys: number;
}

export function expectedAccount(mix: BenchMix, account: number): ExpectedAccount {
  const expected: ExpectedAccount = { users: mix.users, usersWithKeys: 0, usersWithNonVirtualMfa: 0, keys: 0 };
  for (let user = 0; user < mix.users; user += 1) {
    const spec = benchUser(mix, account, user);
    const keys = spec.accessKeys?.length ?? 0;
    if (keys > 0) expected.usersWithKeys += 1;
    expected.keys += keys;
    if ((spec.mfa ?? []).some((device) => device.type !== 'virtual')) expected.usersWithNonVirtualMfa += 1;
  }
  return expected;
}
