// The kit's own Pulumi program (infra/), run under Pulumi's mocks, must pass every guardrail: the
// audit role it rolls out trusts a role, not people, and it creates no keys or console users.
import { strict as assert } from 'assert';
import { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { parseDeploymentConfig, StackSettings } from '../infra/stack-settings';
import { deployAuditKit } from '../../infra/deployment';
import { readTemplate } from '../../policy-pack/cloudformation-template';
import { guardrailPolicies } from '../../policy-pack/policies';
import { MOCK_REGION, MockedRun, installMocks, settle, valueOf } from '../infra/mocked-pulumi';
import { PolicyOutcome, StackResourceSpec, resourceArgs, runResourcePolicy, runStackPolicy, stackArgs } from './policy-harness';

async function runKit(settings: StackSettings): Promise<MockedRun> {
  const run = await installMocks();
  const deployment = deployAuditKit(parseDeploymentConfig(settings, MOCK_REGION));
  await valueOf(deployment.runTaskCommand);
  await settle(run);
  return run;
}

function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
  return 'validateStack' in policy;
}

interface NamedOutcome extends PolicyOutcome {
  policy: string;
  resource: string;
}

/** Every policy over every resource: resource policies on inputs (Analyze), stack policies on the resulting state (AnalyzeStack). */
async function runEveryPolicy(run: MockedRun): Promise<NamedOutcome[]> {
  const outcomes: NamedOutcome[] = [];
  for (const policy of guardrailPolicies) {
    if (isStackPolicy(policy)) {
      const specs: StackResourceSpec[] = run.resources.map((resource) => ({ type: resource.type, name: resource.name, props: resource.state }));
      outcomes.push({ policy: policy.name, resource: '(stack)', ...(await runStackPolicy(policy, stackArgs(specs))) });
      continue;
    }
    for (const resource of run.resources) {
      const outcome = await runResourcePolicy(policy, resourceArgs(resource.type, resource.name, resource.inputs));
      outcomes.push({ policy: policy.name, resource: `${resource.type}::${resource.name}`, ...outcome });
    }
  }
  return outcomes;
}

function problems(outcomes: NamedOutcome[]): NamedOutcome[] {
  return outcomes.filter((outcome) => outcome.violations.length > 0 || outcome.skippedBecauseUnknown !== undefined);
}

describe('the kit\'s own deployment under the guardrails', () => {
  it('passes every policy with the default settings', async () => {
    const run = await runKit({});
    // The policies really looked at the IAM parts: roles, and the member-account role template.
    const roles = run.resources.filter((resource) => resource.type === 'aws:iam/role:Role');
    assert.ok(roles.length >= 3, `roles: ${roles.length}`);
    const [stackSet] = run.resources.filter((resource) => resource.type === 'aws:cloudformation/stackSet:StackSet');
    const template = readTemplate(stackSet.inputs.templateBody as string, undefined);
    assert.ok(template.kind === 'template');
    // The audit role and the role the credential-alert rule forwards events with (credentialAlerts is on by default).
    assert.deepEqual(template.template.resourcesOfType('AWS::IAM::Role').map((role) => role.logicalId).sort(), ['AuditRole', 'CredentialAlertForwarderRole']);

    assert.deepEqual(problems(await runEveryPolicy(run)), []);
  });

  it('passes with a prebuilt image and an extra trusted role', async () => {
    const run = await runKit({
      imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/iam-audit:1.0.0',
      extraTrustedPrincipalArns: '["arn:aws:iam::222222222222:role/security-team-audit"]',
    });
    assert.deepEqual(problems(await runEveryPolicy(run)), []);
  });

  it('warns when the settings trust a whole account to assume the audit role without MFA', async () => {
    const run = await runKit({ extraTrustedPrincipalArns: '["arn:aws:iam::222222222222:root"]' });
    const found = problems(await runEveryPolicy(run));
    // The member-account role (in the StackSet's template) and the management-account role.
    assert.deepEqual(found.map((outcome) => outcome.resource.split('::')[0]).sort(), ['aws:cloudformation/stackSet:StackSet', 'aws:iam/role:Role']);
    for (const outcome of found) {
      assert.equal(outcome.policy, 'iam-human-role-trust-requires-mfa');
      assert.match(outcome.violations[0].message, /arn:aws:iam::222222222222:root/);
    }
  });
});
