import assert from 'node:assert/strict';
import { errorMessage } from '../../../auditor/values/error-text';
import { EXIT_CODE_SUMMARY } from '../../../auditor/values/exit-codes';
import { buildAuditCommand } from '../../../auditor/cli/audit-command';

describe('values floor', () => {
  it('turns a thrown value into text, with the error name when it says more than Error', () => {
    const timeout = new Error('no answer');
    timeout.name = 'TimeoutError';
    assert.equal(errorMessage(timeout), 'TimeoutError: no answer');
    assert.equal(errorMessage(timeout, { withName: false }), 'no answer');
    assert.equal(errorMessage(new Error('plain')), 'plain');
    assert.equal(errorMessage('a string'), 'a string');
    assert.equal(errorMessage(42), '42');
  });

  it('writes the exit codes once, and the command help shows them from there', () => {
    assert.equal(EXIT_CODE_SUMMARY, '0 all audited, 2 some accounts not (fully) audited, 3 a finding at or above --fail-on, 1 usage or set-up error');
    assert.ok(buildAuditCommand().description().endsWith(`Exit codes: ${EXIT_CODE_SUMMARY}.`));
  });
});
