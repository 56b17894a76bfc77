import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import { AUDIT_ROLE_ACTIONS } from '../../auditor/permissions';
import { AUDIT_ROLE_TEMPLATE_PATH, renderAuditRoleTemplate } from '../../infra/audit-role-template';
import { PolicyDocument } from '../../infra/policies';

interface ParsedTemplate {
  AWSTemplateFormatVersion: string;
  Parameters: Record<string, { Type: string; Default?: string }>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Value: unknown }>;
}

interface TemplatePolicy {
  PolicyName: string;
  PolicyDocument: PolicyDocument;
}

describe('member-account CloudFormation template (infra/templates/audit-role.json)', () => {
  const committed = readFileSync(AUDIT_ROLE_TEMPLATE_PATH, 'utf8');
  const template = JSON.parse(committed) as ParsedTemplate;
  const roles = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::IAM::Role');

  it('is up to date with the auditor (regenerate with `npm run infra:template`)', () => {
    assert.equal(committed, renderAuditRoleTemplate());
  });

  it('takes the role name, the trusted principals and the organization as parameters', () => {
    assert.equal(template.AWSTemplateFormatVersion, '2010-09-09');
    assert.deepEqual(Object.keys(template.Parameters).sort(), [
      'AuditRoleName', 'AuditRoleRegion', 'CentralEventBusArn', 'CredentialAlertRegion', 'OrganizationId', 'TrustedPrincipalArns',
    ]);
    // A stack made with the first three alone (as before credential alerts) keeps what it creates.
    assert.equal(template.Parameters.AuditRoleRegion.Default, '');
    assert.equal(template.Parameters.CentralEventBusArn.Default, '');
    assert.equal(template.Parameters.TrustedPrincipalArns.Type, 'CommaDelimitedList');
    assert.equal(template.Parameters.AuditRoleName.Type, 'String');
  });

  it('creates the audit role, named by the parameter, and besides it only the credential alert rule and its role', () => {
    assert.deepEqual(Object.entries(template.Resources).map(([logicalId, resource]) => [logicalId, resource.Type, resource.Condition]), [
      ['AuditRole', 'AWS::IAM::Role', 'CreateAuditRole'],
      ['CredentialAlertForwarderRole', 'AWS::IAM::Role', 'CreateCredentialAlerts'],
      ['CredentialAlertRule', 'AWS::Events::Rule', 'CreateCredentialAlerts'],
    ]);
    assert.deepEqual(roles[0].Properties.RoleName, { Ref: 'AuditRoleName' });
  });

  it('lets only the trusted principals assume it, with sts:AssumeRole, from inside the organization', () => {
    const trust = roles[0].Properties.AssumeRolePolicyDocument as { Statement: Array<Record<string, unknown>> };
    assert.equal(trust.Statement.length, 1);
    const [statement] = trust.Statement;
    assert.equal(statement.Effect, 'Allow');
    assert.equal(statement.Action, 'sts:AssumeRole');
    assert.deepEqual(statement.Principal, { AWS: { Ref: 'TrustedPrincipalArns' } });
    assert.deepEqual(statement.Condition, { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } });
  });

  it("allows exactly the auditor's declared actions, nothing more", () => {
    const policies = roles[0].Properties.Policies as TemplatePolicy[];
    assert.ok(roles[0].Properties.ManagedPolicyArns === undefined, 'no managed policies');
    const statements = policies.flatMap((policy) => policy.PolicyDocument.Statement);
    assert.ok(statements.every((statement) => statement.Effect === 'Allow'));
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    assert.deepEqual([...actions].sort(), [...AUDIT_ROLE_ACTIONS].sort());
    assert.ok(actions.every((action) => !action.includes('*')), 'no action wildcards');
  });

  it("outputs the role's ARN and name", () => {
    assert.deepEqual(template.Outputs.AuditRoleArn.Value, { 'Fn::GetAtt': ['AuditRole', 'Arn'] });
    assert.deepEqual(template.Outputs.AuditRoleName.Value, { Ref: 'AuditRole' });
  });
});
