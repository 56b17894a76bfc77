import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RULE_CATALOGUE } from '../../../auditor/analysis/findings/rule-catalogue';
import { DEFAULT_THRESHOLDS } from '../../../auditor/analysis/findings';
import { plural } from '../../../auditor/values/plural';
import { runDemo } from '../../../simulator/demo';

/** A count of exactly one followed by a plural noun, or a `(s)` standing in for the choice. */
const WRONG_NUMBER = /(?<![\d.,])1 (findings|entries|days|keys|root access keys|user access keys|accounts|users|credentials|long-term credentials|active keys)\b|\w\(s\)/;

describe('counted nouns', () => {
  it('puts the noun in the singular for exactly one, and takes an irregular plural', () => {
    assert.equal(plural(0, 'key'), '0 keys');
    assert.equal(plural(1, 'key'), '1 key');
    assert.equal(plural(2, 'key'), '2 keys');
    assert.equal(plural(1, 'entry', 'entries'), '1 entry');
    assert.equal(plural(3, 'entry', 'entries'), '3 entries');
    assert.equal(plural(1, 'day'), '1 day');
    assert.equal(plural(1, 'root access key'), '1 root access key');
  });

  it("the rules' titles count their threshold's days", () => {
    const one = { ...DEFAULT_THRESHOLDS, keyMaxAgeDays: 1, keyCriticalAgeDays: 1, unusedDays: 1 };
    assert.equal(RULE_CATALOGUE['access-key-not-rotated'].title(one), 'Active access key older than 1 day');
    assert.equal(RULE_CATALOGUE['credentials-unused'].title(one), 'Password or access key unused for 1 day or more');
    assert.equal(RULE_CATALOGUE['access-key-very-old'].title(DEFAULT_THRESHOLDS), `Active access key older than ${DEFAULT_THRESHOLDS.keyCriticalAgeDays} days`);
  });

  it('the pattern below finds the wrong numbers it is meant to', () => {
    for (const wrong of ['1 findings muted', '2 entries, 1 entries', '1 days ago', '(7 user access keys, 1 root access keys)', '8 long-term credential(s)']) assert.match(wrong, WRONG_NUMBER, wrong);
    for (const right of ['1 finding muted', '11 entries', '21 days ago', '(1 user access key, 1 root access key)', '0.1 keys']) assert.doesNotMatch(right, WRONG_NUMBER, right);
  });

  it("a run's summary on stderr and its dashboard say one of a thing in the singular (the demo: 1 muted finding, 1 root key)", async function () {
    this.timeout(120_000);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-plural-'));
    try {
      let stderr = '';
      await runDemo(['--out-dir', scratch, '--no-compare'], { env: { PATH: process.env.PATH }, stdout: () => undefined, stderr: (text) => (stderr += text) });
      assert.match(stderr, /Exemptions \(/);
      assert.match(stderr, /Security maturity/);
      assert.doesNotMatch(stderr, WRONG_NUMBER);
      const dashboard = (await readdir(scratch)).find((name) => name.endsWith('.html'));
      assert.ok(dashboard !== undefined);
      const html = (await readFile(path.join(scratch, dashboard), 'utf8')).replace(/<[^>]+>/g, ' ');
      assert.match(html, /Long-term credentials/);
      assert.doesNotMatch(html, WRONG_NUMBER);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
