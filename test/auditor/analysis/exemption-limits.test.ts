// Exemptions that cannot blind the audit: the refusals of the file and of its entries.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  EXEMPTION_MAX_GLOB_LENGTH,
  EXEMPTIONS_MAX_BYTES,
  EXEMPTIONS_MAX_ENTRIES,
  ExemptionMatcher,
  ExemptionsError,
  parseExemptionEntries,
  parseExemptionsYaml,
} from '../../../auditor/analysis/exemptions';
import { readExemptions } from '../../../auditor/publish/exemptions-source';

const SOURCE = 'exemptions.yaml';
const entryYaml = (account: string, user: string, rule: string) =>
  `  - account: "${account}"\n    user: "${user}"\n    rule: "${rule}"\n    reason: accepted\n    expires: 2027-06-30\n`;

function refusal(text: string): string {
  try {
    parseExemptionsYaml(text, SOURCE);
  } catch (error) {
    assert.ok(error instanceof ExemptionsError);
    return error.message;
  }
  assert.fail('the file was accepted');
}

describe('exemption limits', () => {
  it('refuses an entry whose account, user and rule are all wildcards', () => {
    assert.match(refusal(`exemptions:\n${entryYaml('*', '*', '*')}`), /exemptions\.yaml line 2: account, user and rule are all "\*"/);
    assert.throws(() => parseExemptionEntries([{ account: '*', user: '*', rule: '*', reason: 'r', expires: '2027-06-30' }], 'pack config'), /all "\*"/);
    // Two wildcards are still allowed.
    assert.equal(parseExemptionsYaml(`exemptions:\n${entryYaml('*', 'break-glass-*', '*')}`, SOURCE).entries.length, 1);
  });

  it('refuses an entry for a coverage finding, and never lets "*" mute one', () => {
    assert.match(refusal(`exemptions:\n${entryYaml('*', '*', 'account-not-audited')}`), /rule account-not-audited cannot be exempted/);
    assert.match(refusal(`exemptions:\n${entryYaml('*', '*', 'account-partially-audited')}`), /rule account-partially-audited cannot be exempted/);
    const [entry] = parseExemptionsYaml(`exemptions:\n${entryYaml('015197090613', '*', '*')}`, SOURCE).entries;
    const matcher = new ExemptionMatcher(entry);
    assert.equal(matcher.matches({ accountId: '015197090613', user: null, ruleId: 'account-not-audited' }), false);
    assert.equal(matcher.matches({ accountId: '015197090613', user: null, ruleId: 'account-partially-audited' }), false);
    assert.equal(matcher.matches({ accountId: '015197090613', user: null, ruleId: 'root-without-mfa' }), true, 'other rules are still muted');
  });

  it('refuses a user glob longer than the limit', () => {
    const long = 'a'.repeat(EXEMPTION_MAX_GLOB_LENGTH + 1);
    assert.match(refusal(`exemptions:\n${entryYaml('*', long, 'access-key-not-rotated')}`), new RegExp(`user is ${long.length} characters long, more than ${EXEMPTION_MAX_GLOB_LENGTH}`));
  });

  it('refuses more entries than the limit, and a file over 1 MB', () => {
    const many = Array.from({ length: EXEMPTIONS_MAX_ENTRIES + 1 }, () => ({ account: '*', user: 'x', rule: '*', reason: 'r', expires: '2027-06-30' }));
    assert.throws(() => parseExemptionEntries(many, 'pack config'), new RegExp(`${EXEMPTIONS_MAX_ENTRIES + 1} exemptions, more than the ${EXEMPTIONS_MAX_ENTRIES} allowed`));
    assert.match(refusal(`exemptions:\n#${'x'.repeat(EXEMPTIONS_MAX_BYTES)}\n`), /more than the 1048576 \(1 MB\) allowed/);
  });

  describe('the local file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'exemption-limits-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const noS3 = () => {
      throw new Error('no S3 for a local file');
    };

    it('refuses a FIFO at once instead of waiting on it', async () => {
      const fifo = path.join(dir, 'exemptions.yaml');
      execFileSync('mkfifo', [fifo]);
      const started = Date.now();
      await assert.rejects(readExemptions({ kind: 'file', path: fifo }, '--exemptions', noS3), /--exemptions: cannot read .*exemptions\.yaml: it is not a regular file/);
      assert.ok(Date.now() - started < 2_000);
    });

    it('refuses bytes that are not UTF-8 instead of replacing them', async () => {
      const file = path.join(dir, 'exemptions.yaml');
      writeFileSync(file, Buffer.concat([Buffer.from('exemptions:\n  - account: "*"\n    user: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
      await assert.rejects(readExemptions({ kind: 'file', path: file }, '--exemptions', noS3), /--exemptions: cannot read .*: it is not UTF-8 text/);
    });

    it('refuses a file over 1 MB before reading it', async () => {
      const file = path.join(dir, 'exemptions.yaml');
      writeFileSync(file, `exemptions:\n#${'x'.repeat(EXEMPTIONS_MAX_BYTES)}\n`);
      await assert.rejects(readExemptions({ kind: 'file', path: file }, '--exemptions', noS3), /bytes, more than the 1048576 \(1 MB\) allowed/);
    });

    it('still reads a well-formed file', async () => {
      const file = path.join(dir, 'exemptions.yaml');
      writeFileSync(file, `exemptions:\n${entryYaml('*', 'break-glass-*', '*')}`);
      assert.equal((await readExemptions({ kind: 'file', path: file }, '--exemptions', noS3)).entries.length, 1);
    });
  });
});
