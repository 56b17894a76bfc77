import assert from 'node:assert/strict';
import { AUTOWRAP_OFF, AUTOWRAP_ON, describeFilteredAccounts, runProgress } from '../../../auditor/cli/progress';
import { terminalSafe } from '../../../auditor/values/terminal-text';
import { colorsFor, CommandOutput } from '../../../auditor/cli/command-output';
import type { AccountAudit } from '../../../auditor/model';

describe('terminal output', () => {
  it('colours with ANSI codes on a terminal only, and never with NO_COLOR', () => {
    const colors = colorsFor({ isTTY: true, write: () => undefined }, {});
    assert.equal(colors.red('failed'), '\u001b[31mfailed\u001b[39m');
    assert.equal(colors.yellow('warning:'), '\u001b[33mwarning:\u001b[39m');
    assert.equal(colors.green('ok'), '\u001b[32mok\u001b[39m');
    assert.equal(colors.dim('ETA'), '\u001b[2mETA\u001b[22m');
    assert.equal(colorsFor({ write: () => undefined }, {}).red('failed'), 'failed');
    assert.equal(colorsFor({ isTTY: true, write: () => undefined }, { NO_COLOR: '1' }).red('failed'), 'failed');
    // An empty NO_COLOR does not count (no-color.org).
    assert.equal(colorsFor({ isTTY: true, write: () => undefined }, { NO_COLOR: '' }).dim('x'), '\u001b[2mx\u001b[22m');
  });

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

  describe('on a terminal', () => {
    const REASON = 'AssumeRole arn:aws:iam::333333333333:role/IAMAuditRole: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/IAMAuditTaskRole/iam-audit is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/IAMAuditRole';
    const account = (id: string, name: string) => ({ id, name, email: 'a@example.com', state: 'ACTIVE', isManagementAccount: false });
    const audit = (id: string, name: string, errors: string[]): AccountAudit => ({
      account: account(id, name),
      coverage: { accountId: id, accountName: name, state: 'ACTIVE', audited: errors.length === 0 ? 'yes' : 'no', errors: errors.map((detail) => ({ kind: 'unreachable' as const, detail })), skipped: null, userSource: 'credential-report' },
      users: [],
      root: null,
      events: [],
    });
    /** Whether the terminal wraps at `index` of what was written: the last DECAWM switch before it. */
    const wrapsAt = (written: string, index: number): boolean => written.lastIndexOf(AUTOWRAP_ON, index) > written.lastIndexOf(AUTOWRAP_OFF, index);

    it('prints the failure in full above the live line, wrapped by the terminal, and keeps the live line one row', async () => {
      let written = '';
      // A narrow terminal: the reason is four times its width.
      const tty = { isTTY: true, columns: 60, write: (text: string) => (written += text) };
      const hooks = runProgress(new CommandOutput({ write: () => true }, tty, { format: 'text', quiet: false }, { NO_COLOR: '1' }), {});
      await hooks.onAccountsListed?.([account('222222222222', 'Prod'), account('333333333333', 'Sandbox')]);
      await hooks.onAccountDone?.(audit('222222222222', 'Prod', []));
      await hooks.onAccountDone?.(audit('333333333333', 'Sandbox', [REASON]));
      hooks.finish();

      // The whole reason, in one piece, written while the terminal wraps, ended by its newline
      // before wrapping is turned off again.
      const line = `[2/2] 333333333333 Sandbox: not audited: ${REASON}\n`;
      const at = written.indexOf(line);
      assert.ok(at >= 0, JSON.stringify(written));
      assert.ok(REASON.length > tty.columns * 3);
      assert.equal(wrapsAt(written, at), true);
      assert.equal(written.slice(at + line.length, at + line.length + AUTOWRAP_OFF.length), AUTOWRAP_OFF);

      // Every drawing of the live line: no newline in it, and the terminal does not wrap it.
      const drawings = [...written.matchAll(/\d\/2 accounts \|[^\u001b]*/g)];
      assert.ok(drawings.length > 0);
      for (const drawing of drawings) {
        assert.doesNotMatch(drawing[0], /\n/);
        assert.equal(wrapsAt(written, drawing.index), false, drawing[0]);
      }
      // The audited account is counted on the live line, not listed; the run's end line follows.
      assert.doesNotMatch(written, /Prod: audited/);
      assert.match(written, /2 of 2 accounts done: 1 audited, 0 partial, 1 failed\n$/);
    });
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
