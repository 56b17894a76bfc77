import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { ExemptionMatcher, ExemptionsError, isCalendarDate, isInForce, parseExemptionEntries, parseExemptionsYaml, type Exemption } from '../../../auditor/analysis/exemptions';

const SOURCE = 'exemptions.yaml';

const VALID = `# accepted risks, reviewed every quarter
exemptions:
  - account: "015197090613"      # an account id, or "*"
    user: break-glass-*
    rule: "*"
    reason: Sealed break-glass key, rotated by the platform team
    expires: 2027-06-30
  - account: "*"
    user: root
    rule: root-virtual-mfa-only
    reason: Hardware keys on order
    expires: 2024-12-31
`;

function entry(overrides: Partial<Exemption> = {}): Exemption {
  return { account: '*', user: '*', rule: '*', reason: 'accepted', expires: '2030-01-01', declaredAt: 'line 2', ...overrides };
}

/** The message of the ExemptionsError that parsing `text` throws. */
function parseError(text: string): string {
  try {
    parseExemptionsYaml(text, SOURCE);
  } catch (error) {
    assert.ok(error instanceof ExemptionsError, String(error));
    return error.message;
  }
  assert.fail('the file was accepted');
}

function oneEntry(fields: string): string {
  return `exemptions:\n  - ${fields.trim().split('\n').map((line) => line.trim()).join('\n    ')}\n`;
}

const GOOD_FIELDS = {
  account: 'account: "015197090613"',
  user: 'user: break-glass-admin',
  rule: 'rule: access-key-very-old',
  reason: 'reason: sealed',
  expires: 'expires: 2027-06-30',
};

function withField(field: keyof typeof GOOD_FIELDS, line: string | null): string {
  return oneEntry(Object.entries(GOOD_FIELDS).map(([name, text]) => (name === field ? line : text)).filter((text): text is string => text !== null).join('\n'));
}

describe('the exemptions file', () => {
  it('reads every entry with its fields and the line it starts on', () => {
    const list = parseExemptionsYaml(VALID, SOURCE);
    assert.equal(list.source, SOURCE);
    assert.deepEqual(list.entries, [
      { account: '015197090613', user: 'break-glass-*', rule: '*', reason: 'Sealed break-glass key, rotated by the platform team', expires: '2027-06-30', declaredAt: 'line 3' },
      { account: '*', user: 'root', rule: 'root-virtual-mfa-only', reason: 'Hardware keys on order', expires: '2024-12-31', declaredAt: 'line 8' },
    ]);
  });

  it('reads the example file the README and the policy pack config point to', () => {
    const example = readFileSync(path.join(__dirname, '..', '..', '..', 'exemptions.example.yaml'), 'utf8');
    assert.deepEqual(parseExemptionsYaml(example, 'exemptions.example.yaml').entries.map((entry) => [entry.account, entry.user, entry.rule]), [['*', 'break-glass-*', '*']]);
  });

  it('accepts an empty file and an empty list', () => {
    assert.deepEqual(parseExemptionsYaml('', SOURCE).entries, []);
    assert.deepEqual(parseExemptionsYaml('exemptions: []\n', SOURCE).entries, []);
    assert.deepEqual(parseExemptionsYaml('exemptions:\n', SOURCE).entries, []);
  });

  it('says to quote an account id that YAML read as a number, naming the line', () => {
    const message = parseError(withField('account', 'account: 015197090613'));
    assert.match(message, /^exemptions\.yaml line 2: account 015197090613 must be quoted \("015197090613"\)/);
    assert.match(message, /drops leading zeros/);
  });

  it('rejects an account that is not 12 digits or "*"', () => {
    assert.match(parseError(withField('account', 'account: "12345"')), /^exemptions\.yaml line 2: account should be a 12-digit AWS account id in quotes, or "\*", got "12345"/);
  });

  it('rejects a rule that is not in the catalogue, and the expired-exemption rule itself', () => {
    const message = parseError(withField('rule', 'rule: access-key-too-old'));
    assert.match(message, /^exemptions\.yaml line 4: rule "access-key-too-old" is not a rule of the audit; use "\*" or one of console-user-without-mfa, /);
    assert.match(parseError(withField('rule', 'rule: exemption-expired')), /line 4: rule exemption-expired cannot be exempted/);
  });

  it('rejects an expires that is not a real calendar date', () => {
    assert.match(parseError(withField('expires', 'expires: 2027-02-30')), /^exemptions\.yaml line 6: expires should be a calendar date YYYY-MM-DD .*got 2027-02-30/);
    assert.match(parseError(withField('expires', 'expires: next year')), /line 6: expires should be a calendar date/);
    assert.match(parseError(withField('expires', 'expires: 2027-6-30')), /line 6: expires should be a calendar date/);
  });

  it('requires every field, expires included, and names the entry\'s line', () => {
    assert.match(parseError(withField('expires', null)), /^exemptions\.yaml line 2: the exemption has no expires \(every exemption ends/);
    assert.match(parseError(withField('reason', null)), /^exemptions\.yaml line 2: the exemption has no reason/);
    assert.match(parseError(withField('user', null)), /line 2: the exemption has no user/);
  });

  it('rejects an empty reason and an empty user', () => {
    assert.match(parseError(withField('reason', 'reason: "  "')), /^exemptions\.yaml line 5: reason is empty/);
    assert.match(parseError(withField('user', 'user: ""')), /^exemptions\.yaml line 3: user is empty/);
  });

  it('rejects unknown keys in an entry and at the top', () => {
    assert.match(parseError(`${withField('reason', 'reason: sealed')}    owner: platform\n`), /^exemptions\.yaml line 7: unknown field "owner"; an exemption has exactly account, user, rule, reason, expires/);
    assert.match(parseError(`mutes:\n  - user: x\n`), /^exemptions\.yaml line 1: unknown key "mutes"/);
  });

  it('rejects a file of another shape', () => {
    assert.match(parseError('- user: x\n'), /^exemptions\.yaml line 1: the file should hold "exemptions:"/);
    assert.match(parseError('exemptions:\n  user: x\n'), /^exemptions\.yaml line 2: "exemptions" should be a list/);
    assert.match(parseError('exemptions:\n  - just a string\n'), /^exemptions\.yaml line 2: an exemption should be a mapping/);
  });

  it('names the line of a YAML syntax error, with a hint for a bare *', () => {
    assert.match(parseError(withField('user', 'user: *')), /^exemptions\.yaml line 3: not valid YAML: .*write "\*" in quotes/);
    assert.match(parseError('exemptions:\n  - account: "*"\n    account: "*"\n'), /^exemptions\.yaml line 3: not valid YAML: Map keys must be unique/);
  });

  it('reads entries given as JSON (the policy pack config) by the same rules', () => {
    const list = parseExemptionEntries([{ account: '*', user: 'break-glass-*', rule: '*', reason: 'sealed', expires: '2027-06-30' }], 'iam-no-access-keys config');
    assert.deepEqual(list.entries, [{ account: '*', user: 'break-glass-*', rule: '*', reason: 'sealed', expires: '2027-06-30', declaredAt: 'exemptions[0]' }]);
    assert.throws(
      () => parseExemptionEntries([{ account: 15197090613, user: 'x', rule: '*', reason: 'r', expires: '2027-06-30' }], 'config'),
      /^ExemptionsError: config exemptions\[0\]\.account: account 15197090613 must be quoted/,
    );
    assert.throws(() => parseExemptionEntries({}, 'config'), /config: "exemptions" should be a list/);
  });
});

describe('matching an exemption', () => {
  it('matches users by name or glob, within the account and rule given', () => {
    const matcher = new ExemptionMatcher(entry({ account: '015197090613', user: 'break-glass-*', rule: 'access-key-very-old' }));
    assert.ok(matcher.matches({ accountId: '015197090613', user: 'break-glass-admin', ruleId: 'access-key-very-old' }));
    assert.ok(!matcher.matches({ accountId: '015197090613', user: 'alice', ruleId: 'access-key-very-old' }));
    assert.ok(!matcher.matches({ accountId: '111111111111', user: 'break-glass-admin', ruleId: 'access-key-very-old' }));
    assert.ok(!matcher.matches({ accountId: '015197090613', user: 'break-glass-admin', ruleId: 'access-key-never-used' }));
    const glob = new ExemptionMatcher(entry({ user: 'svc-{ci,cd}-?' }));
    assert.ok(glob.matches({ accountId: '111111111111', user: 'svc-ci-1', ruleId: 'credentials-unused' }));
    assert.ok(!glob.matches({ accountId: '111111111111', user: 'svc-qa-1', ruleId: 'credentials-unused' }));
    // Dots and a leading ! are part of a user name, not glob syntax.
    assert.ok(new ExemptionMatcher(entry({ user: '*' })).matches({ accountId: '1', user: '.hidden', ruleId: 'x' }));
    assert.ok(new ExemptionMatcher(entry({ user: '!ops' })).matches({ accountId: '1', user: '!ops', ruleId: 'x' }));
  });

  it('matches findings about an account itself only with user "*"', () => {
    const subject = { accountId: '111111111111', user: null, ruleId: 'password-policy-weak' };
    assert.ok(new ExemptionMatcher(entry({ user: '*' })).matches(subject));
    assert.ok(!new ExemptionMatcher(entry({ user: 'root' })).matches(subject));
    assert.ok(!new ExemptionMatcher(entry({ user: '?*' })).matches(subject));
  });

  it('is in force through the end of its last day (UTC), not after', () => {
    const expires = { expires: '2024-06-30' };
    assert.ok(isInForce(expires, Date.parse('2024-06-30T00:00:00Z')));
    assert.ok(isInForce(expires, Date.parse('2024-06-30T23:59:59.999Z')));
    assert.ok(!isInForce(expires, Date.parse('2024-07-01T00:00:00Z')));
  });

  it('knows a calendar date', () => {
    assert.ok(isCalendarDate('2028-02-29'));
    assert.ok(!isCalendarDate('2027-02-29'));
    assert.ok(!isCalendarDate('2027-13-01'));
  });
});
