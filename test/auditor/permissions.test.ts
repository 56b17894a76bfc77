import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { ASSUME_ROLE_ACTION, AUDIT_ROLE_ACTIONS, MANAGEMENT_ACTIONS, SECURITY_HUB_ACTIONS } from '../../auditor/permissions';

describe('declared permissions', () => {
  it('are read-only actions, each declared once', () => {
    const all = [...AUDIT_ROLE_ACTIONS, ...MANAGEMENT_ACTIONS];
    assert.equal(new Set(all).size, all.length);
    for (const action of all) {
      assert.match(action, /^[a-z0-9-]+:(Get|List|Describe|Generate|Lookup)[A-Za-z]+$/, action);
    }
  });
});

describe('docs/permissions.md', () => {
  it('lists exactly the actions auditor/permissions.ts declares', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'permissions.md'), 'utf8');
    const start = readme.indexOf('## IAM permissions');
    assert.ok(start >= 0, 'docs/permissions.md has an IAM permissions section');
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const mentioned = new Set(section.match(/\b(?:iam|cloudtrail|organizations|sts|securityhub|sso|identitystore):[A-Za-z]+/g) ?? []);
    const declared = new Set<string>([...AUDIT_ROLE_ACTIONS, ...MANAGEMENT_ACTIONS, ...SECURITY_HUB_ACTIONS, ASSUME_ROLE_ACTION, 'sts:GetCallerIdentity', 'sts:ExternalId']);
    assert.deepEqual([...mentioned].filter((action) => !declared.has(action)), [], 'actions in docs/permissions.md that the code does not declare');
    assert.deepEqual([...AUDIT_ROLE_ACTIONS, ...MANAGEMENT_ACTIONS, ...SECURITY_HUB_ACTIONS].filter((action) => !mentioned.has(action)), [], 'declared actions missing from docs/permissions.md');
  });
});
