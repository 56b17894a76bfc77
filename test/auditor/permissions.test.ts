import { strict as assert } from 'assert';
import { AUDIT_ROLE_ACTIONS, MANAGEMENT_ACTIONS } from '../../auditor/permissions';

describe('declared permissions', () => {
  it('are read-only actions, each declared once', () => {
    const all = [...AUDIT_ROLE_ACTIONS, ...MANAGEMENT_ACTIONS];
    assert.equal(new Set(all).size, all.length);
    for (const action of all) {
      assert.match(action, /^[a-z0-9-]+:(Get|List|Describe|Generate|Lookup)[A-Za-z]+$/, action);
    }
  });
});
