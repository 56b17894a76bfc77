import assert from 'node:assert/strict';
import { describeFilteredAccounts, runProgress } from '../../../auditor/cli/progress';
import { terminalSafe } from '../../../auditor/values/terminal-text';
import { CommandOutput } from '../../../auditor/cli/command-output';
import type { AccountAudit } from '../../../auditor/model';

describe('terminal output', () => {
  it('neutralises C0 and C1 controls, as an escape sequence or a carriage return would disguise a line', () => {
    assert.equal(terminalSafe('a\u001b[2Jb\rc\u009bd\u007f'), 'a [2Jb c d ');
  });

  it('neutralises the Unicode controls that reorder or break a line on display', () => {
    const reordering = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c', '\u2028', '\u2029'];
    for (const control of reordering) assert.equal(terminalSafe(`prod${control}-eu`), 'prod -eu', `U+${control.codePointAt(0)?.toString(16)}`);
    // Text in a right-to-left script is left as it is: only the invisible controls go.
    assert.equal(terminalSafe('حساب prod ünïcode'), 'حساب prod ünïcode');
  });

  it('writes an account whose name hides a right-to-left override with the override neutralised', async () => {
    let written = '';
    const hooks = runProgress(new CommandOutput({ write: () => true }, { write: (text: string) => (written += text) }, { format: 'text', quiet: false }, {}), {});
    const audit: AccountAudit = {
      account: { id: '222222222222', name: 'prod\u202egnp.exe', email: 'a@example.com', state: 'ACTIVE', isManagementAccount: false },
      coverage: { accountId: '222222222222', accountName: 'prod\u202egnp.exe', state: 'ACTIVE', audited: 'yes', errors: [], skipped: null, userSource: 'credential-report' },
      users: [],
      root: null,
      events: [],
    };
    await hooks.onAccountDone?.(audit);
    assert.equal(written, '[1] 222222222222 prod gnp.exe: audited (0 users, 0 keys)\n');
  });

  it('sums the accounts the filters leave out by reason, with thousands separated', () => {
    const accounts = Array.from({ length: 10_000 }, (_, index) => ({ id: String(100000000000 + index), name: `a${index}`, email: 'a@example.com', state: 'ACTIVE', isManagementAccount: false }));
    assert.equal(describeFilteredAccounts(accounts, { includeAccounts: ['100000000001'] }), '9,999 of 10,000 accounts skipped: not in --accounts');
    assert.equal(
      describeFilteredAccounts(accounts.slice(0, 3), { includeAccounts: ['100000000000', '100000000001'], excludeAccounts: ['100000000001'] }),
      '2 of 3 accounts skipped: 1 excluded by --exclude-accounts, 1 not in --accounts',
    );
    assert.equal(describeFilteredAccounts(accounts.slice(0, 3), {}), null);
  });
});
