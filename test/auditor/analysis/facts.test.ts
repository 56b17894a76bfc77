import assert from 'node:assert/strict';
import { endOfUtcDay } from '../../../policy-pack/exemptions-format';
import {
  ageInDays,
  coverageClass,
  coverageCounts,
  isAuditIncomplete,
  credentialCounts,
  daysBefore,
  hasMfa,
  isActiveKeyOlderThan,
  isConsoleUser,
  isCoverageComplete,
  isNeverUsed,
  isOlderThan,
  isUnusedFor,
  isWithin,
  keyAgeDays,
  keyIdleDays,
  mfaStrength,
  passwordIdleDays,
  runReference,
} from '../../../auditor/analysis/facts';
import { accessKey, account, consoleUserWithMfa, daysAgo, hardwareRoot, notAudited, run, RUN_STARTED_AT, user } from '../../support/run-fixtures';

const REFERENCE = Date.parse(RUN_STARTED_AT);

describe('domain facts', () => {
  it('counts ages in whole days, rounded down, from the run start', () => {
    assert.equal(runReference(run([])), REFERENCE);
    assert.throws(() => runReference(run([], { startedAt: 'yesterday' })), /startedAt "yesterday" is not a date/);
    assert.equal(ageInDays(REFERENCE, daysAgo(90)), 90);
    assert.equal(ageInDays(REFERENCE, daysAgo(90.99)), 90);
    assert.equal(ageInDays(REFERENCE, daysAgo(91)), 91);
    assert.equal(ageInDays(REFERENCE, daysAgo(0.5)), 0);
    assert.equal(daysBefore(new Date(REFERENCE), 90).toISOString(), daysAgo(90));
    assert.equal(endOfUtcDay('2024-06-30'), Date.parse('2024-07-01T00:00:00Z'), 'a day holds through its end, UTC');
  });

  it('says "older than N" only past N whole days, "unused for N" from N days on, "within N" up to N', () => {
    assert.deepEqual([89, 90, 91].map((age) => isOlderThan(age, 90)), [false, false, true]);
    assert.deepEqual([44, 45, 46].map((idle) => isUnusedFor(idle, 45)), [false, true, true]);
    assert.deepEqual([29, 30, 31].map((age) => isWithin(age, 30)), [true, true, false]);
  });

  it('judges a key by its age, its status and its last use', () => {
    const halfDayPast = accessKey('AKIAHALF', { createdDate: daysAgo(90.5) });
    const dayPast = accessKey('AKIADAY', { createdDate: daysAgo(91) });
    assert.equal(keyAgeDays(halfDayPast, REFERENCE), 90);
    assert.equal(isActiveKeyOlderThan(halfDayPast, REFERENCE, 90), false);
    assert.equal(isActiveKeyOlderThan(dayPast, REFERENCE, 90), true);
    assert.equal(isActiveKeyOlderThan(dayPast, REFERENCE, 91), false, 'the maximum is the one given');
    assert.equal(isActiveKeyOlderThan({ ...dayPast, status: 'Inactive' }, REFERENCE, 90), false, 'an inactive key is not due for rotation');
    const unused = accessKey('AKIANEVER', { lastUsedDate: null, lastUsedService: null });
    assert.equal(isNeverUsed(unused), true);
    assert.equal(keyIdleDays(unused, REFERENCE), null);
    assert.equal(isNeverUsed(dayPast), false);
    assert.equal(keyIdleDays(accessKey('AKIAIDLE', { lastUsedDate: daysAgo(45.7) }), REFERENCE), 45);
  });

  it('counts a password never used from the user\'s creation', () => {
    assert.equal(passwordIdleDays(user('new', { passwordEnabled: true, createdDate: daysAgo(3) }), REFERENCE), 3);
    assert.equal(passwordIdleDays(user('old', { passwordEnabled: true, createdDate: daysAgo(300), passwordLastUsed: daysAgo(20) }), REFERENCE), 20);
  });

  it('tells console users, MFA and its strength', () => {
    assert.equal(isConsoleUser(user('api')), false);
    assert.equal(isConsoleUser(user('web', { passwordEnabled: true })), true);
    assert.equal(hasMfa(user('none')), false);
    assert.equal(hasMfa(consoleUserWithMfa('key')), true);
    const typeUnread = user('unread', { mfaActive: true, mfaType: 'None' });
    assert.equal(hasMfa(typeUnread), true, 'MFA the credential report says is active counts, even when its type was not read');
    assert.equal(mfaStrength(typeUnread), 'Unknown');
    assert.equal(mfaStrength(consoleUserWithMfa('key')), 'SecurityKey');
    assert.equal(mfaStrength(user('none')), 'None');
  });

  it('counts coverage with skipped accounts out of scope', () => {
    const skipped = account('444444444444', 'closed', { coverage: { accountId: '444444444444', accountName: 'closed', state: 'SUSPENDED', audited: 'no', errors: [{ kind: 'skipped', detail: 'account state is SUSPENDED' }], skipped: 'state', userSource: 'none' } });
    const partial = account('222222222222', 'data', { coverage: { accountId: '222222222222', accountName: 'data', state: 'ACTIVE', audited: 'partial', errors: [{ kind: 'incomplete', detail: 'x' }], skipped: null, userSource: 'per-user' } });
    const counts = coverageCounts([account('111111111111', 'prod'), partial, notAudited('333333333333', 'dark', 'denied'), skipped]);
    assert.deepEqual(counts, { listed: 4, inScope: 3, audited: 1, partial: 1, notAudited: 1, skipped: 1 });
    assert.equal(isCoverageComplete(counts), false);
    assert.deepEqual([account('111111111111', 'prod'), partial, notAudited('333333333333', 'dark', 'denied'), skipped].map(coverageClass), ['audited', 'partial', 'notAudited', 'skipped']);
    assert.deepEqual([account('111111111111', 'prod'), partial, notAudited('333333333333', 'dark', 'denied'), skipped].map(isAuditIncomplete), [false, true, true, false]);
    assert.equal(isCoverageComplete(coverageCounts([account('111111111111', 'prod'), skipped])), true, 'a skipped account leaves the run complete');
  });

  it('counts users, console users with MFA and keys by the maximum given', () => {
    const accounts = [
      account('111111111111', 'prod', {
        users: [
          consoleUserWithMfa('alice', { accessKeys: [accessKey('AKIAOLD', { createdDate: daysAgo(91) }), accessKey('AKIAOFF', { status: 'Inactive', createdDate: daysAgo(900) })] }),
          user('bob', { passwordEnabled: true, accessKeys: [accessKey('AKIANEW', { createdDate: daysAgo(31), lastUsedDate: null })] }),
        ],
        root: hardwareRoot({ accessKeysActive: true, accessKeysPresent: 0 }),
      }),
    ];
    assert.deepEqual(credentialCounts(accounts, REFERENCE, 90), {
      users: 2, consoleUsers: 2, consoleUsersWithMfa: 1, accessKeys: 3, activeAccessKeys: 2, activeKeysOlderThanMaxAge: 1, activeKeysNeverUsed: 1, rootAccessKeys: 1,
    });
    assert.equal(credentialCounts(accounts, REFERENCE, 30).activeKeysOlderThanMaxAge, 2);
  });
});
