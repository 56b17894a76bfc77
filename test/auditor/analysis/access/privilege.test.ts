import { strict as assert } from 'assert';
import { assessAccountAccess } from '../../../../auditor/analysis/access/assess-access';
import { PrivilegeEvaluator } from '../../../../auditor/analysis/access/privilege';
import type { AccountInventory, InventoryUserRecord, PrincipalPrivilege, RoleRecord } from '../../../../auditor/model';

// The privilege of users and roles, decided with the policy evaluator over the inventory.

const ACCOUNT = '222222222222';
const AT = '2024-06-01T00:00:00.000Z';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown = '*') => ({ Effect: 'Allow', Action, Resource });

function user(userName: string, fields: Partial<InventoryUserRecord> = {}): InventoryUserRecord {
  return { userName, arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`, groups: [], attachedPolicies: [], inlinePolicies: [], permissionsBoundary: null, ...fields };
}

function role(roleName: string, fields: Partial<RoleRecord> = {}): RoleRecord {
  return {
    roleName, arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, path: '/', createdDate: '2024-01-01T00:00:00.000Z',
    trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }), lastUsed: null,
    attachedPolicies: [], inlinePolicies: [], permissionsBoundary: null, ...fields,
  };
}

const managed = (name: string, document: string, aws = false) => ({ name, arn: aws ? `arn:aws:iam::aws:policy/${name}` : `arn:aws:iam::${ACCOUNT}:policy/${name}`, attachmentCount: 1, document });
const ref = (policy: { name: string; arn: string }) => ({ name: policy.name, arn: policy.arn });

const ADMIN = managed('AdministratorAccess', doc(allow('*')), true);
const READ = managed('ReadOnlyAccess', doc(allow(['s3:Get*', 's3:List*', 'ec2:Describe*'])), true);
const S3_ONLY = managed('s3-only', doc(allow('s3:*')));
const POWER = managed('PowerUserAccess', doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }), true);
const ATTACH = managed('attach-user-policy', doc(allow('iam:AttachUserPolicy')));

function inventory(users: InventoryUserRecord[], roles: RoleRecord[] = []): AccountInventory {
  return {
    users,
    groups: [{ groupName: 'admins', arn: `arn:aws:iam::${ACCOUNT}:group/admins`, attachedPolicies: [ref(ADMIN)], inlinePolicies: [] }],
    roles,
    policies: [ADMIN, READ, S3_ONLY, POWER, ATTACH],
    passwordPolicy: 'none',
  };
}

async function privileges(users: InventoryUserRecord[], roles: RoleRecord[] = [], evaluator = new PrivilegeEvaluator('aws', AT)): Promise<Map<string, PrincipalPrivilege>> {
  const access = await assessAccountAccess(inventory(users, roles), evaluator);
  return new Map(access.principals.map((principal) => [principal.name, principal]));
}

describe('privilege of a principal (policy evaluator)', function () {
  this.timeout(60000);

  it('admin through a group, an inline policy, an attached policy and iam:AttachUserPolicy alone', async () => {
    const result = await privileges([
      user('grouped', { groups: ['admins'] }),
      user('inline', { inlinePolicies: [{ name: 'all', document: doc(allow('*')) }] }),
      user('attached', { attachedPolicies: [ref(ADMIN)] }),
      user('attacher', { attachedPolicies: [ref(ATTACH)] }),
    ]);
    assert.deepEqual(result.get('grouped')?.grantedBy, ['AdministratorAccess (group admins)']);
    assert.equal(result.get('grouped')?.privilege, 'admin');
    assert.equal(result.get('grouped')?.reason, 'every action on every resource (*:*)');
    assert.deepEqual(result.get('inline')?.grantedBy, ['all (inline)']);
    assert.equal(result.get('inline')?.privilege, 'admin');
    assert.equal(result.get('attached')?.privilege, 'admin');
    assert.equal(result.get('attacher')?.privilege, 'admin');
    assert.equal(result.get('attacher')?.reason, 'can change permissions: iam:AttachUserPolicy');
    assert.deepEqual(result.get('attacher')?.grantedBy, ['attach-user-policy']);
  });

  it('a boundary caps *:* (not admin), an explicit Deny takes it away, NotAction counts', async () => {
    const result = await privileges([
      user('bounded', { attachedPolicies: [ref(ADMIN)], permissionsBoundary: S3_ONLY.arn }),
      user('denied', { attachedPolicies: [ref(ADMIN)], inlinePolicies: [{ name: 'no-iam', document: doc({ Effect: 'Deny', Action: ['iam:*', 'lambda:*', 'ec2:*', 'glue:*', 'cloudformation:*', 'datapipeline:*', 'codestar:*', 'autoscaling:*', 'ecs:*', 'sagemaker:*', 'ssm:*', 'sts:*', 'organizations:*'], Resource: '*' }) }] }),
      user('power', { attachedPolicies: [ref(POWER)] }),
    ]);
    assert.equal(result.get('bounded')?.privilege, 'write');
    assert.match(result.get('bounded')?.reason ?? '', /^s3:/);
    assert.equal(result.get('denied')?.privilege, 'write');
    // NotAction iam:* allows no iam:PassRole, but it can still take over a Glue endpoint's role.
    assert.equal(result.get('power')?.privilege, 'can-escalate');
    assert.equal(result.get('power')?.reason, 'escalation set glue:UpdateDevEndpoint');
  });

  it('can-escalate, write, read-only and none', async () => {
    const result = await privileges([
      user('lambda', { inlinePolicies: [{ name: 'deploy', document: doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'])) }] }),
      user('keys', { inlinePolicies: [{ name: 'keys', document: doc(allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/*')) }] }),
      user('writer', { inlinePolicies: [{ name: 'put', document: doc(allow('s3:PutObject', 'arn:aws:s3:::reports/*')) }] }),
      user('reader', { attachedPolicies: [ref(READ)] }),
      user('nothing'),
      user('conditional', { inlinePolicies: [{ name: 'office', document: doc({ ...allow('*'), Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }) }] }),
    ], [role('deployer', { attachedPolicies: [ref(READ)] })]);
    assert.equal(result.get('lambda')?.privilege, 'can-escalate');
    assert.equal(result.get('lambda')?.reason, 'escalation set iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction');
    assert.equal(result.get('keys')?.privilege, 'can-escalate');
    assert.equal(result.get('writer')?.privilege, 'write');
    assert.equal(result.get('writer')?.reason, 's3:PutObject allowed');
    assert.equal(result.get('reader')?.privilege, 'read-only');
    assert.deepEqual(result.get('reader')?.grantedBy, ['ReadOnlyAccess']);
    assert.equal(result.get('nothing')?.privilege, 'none');
    assert.equal(result.get('nothing')?.reason, 'no policy');
    // A condition the request does not meet allows nothing.
    assert.equal(result.get('conditional')?.privilege, 'none');
    assert.equal(result.get('deployer')?.privilege, 'read-only');
    assert.equal(result.get('deployer')?.principalType, 'role');
  });

  it('a policy without its document is said, not silently dropped', async () => {
    const result = await privileges([user('ghost', { attachedPolicies: [{ name: 'gone', arn: `arn:aws:iam::${ACCOUNT}:policy/gone` }] })]);
    assert.deepEqual(result.get('ghost')?.unreadPolicies, ['gone: document not listed']);
    assert.equal(result.get('ghost')?.privilege, 'none');
  });

  it('evaluates each policy set once, however many principals share it', async () => {
    const evaluator = new PrivilegeEvaluator('aws', AT);
    const members = Array.from({ length: 20 }, (_, index) => user(`member-${index}`, { groups: ['admins'] }));
    const result = await privileges([...members, user('reader', { attachedPolicies: [ref(READ)] })], [], evaluator);
    assert.equal(evaluator.evaluations, 2);
    assert.ok([...result.values()].filter((principal) => principal.privilege === 'admin').length === 20);
  });

  it('a policy naming its own user is evaluated for that user alone', async () => {
    const self = (name: string) => user(name, { inlinePolicies: [{ name: 'self', document: doc(allow('iam:AttachUserPolicy', 'arn:aws:iam::*:user/${aws:username}')) }] });
    const evaluator = new PrivilegeEvaluator('aws', AT);
    const result = await privileges([self('ana'), self('ben')], [], evaluator);
    assert.equal(evaluator.evaluations, 2);
    assert.equal(result.get('ana')?.privilege, 'admin');
    assert.equal(result.get('ana')?.reason, 'can change permissions: iam:AttachUserPolicy');
  });
});
