// The guardrail settings under Pulumi's mocks: the SCPs (documents from infra/guardrails.ts, proven
// in guardrails.test.ts) and their attachments, centralized root access with IAM's trusted access,
// and the exemptions file checked, uploaded for the auditor and carved out of the access-key SCP.
import { strict as assert } from 'assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { DeploymentConfigError } from '../../infra/config';
import { DEFAULT_EXEMPTIONS_S3_KEY } from '../../infra/exemptions-file';
import { consoleMfaPolicy, noRootUserPolicy, renderScp } from '../../infra/guardrails';
import { SCP_TEMPLATES_DIRECTORY, scpFiles } from '../../infra/scp-templates';
import { PolicyDocument } from '../../infra/policies';
import { deployAuditKit } from '../../infra/deployment';
import { input, installMocks, jsonInput, MOCK_ROOT_ID, MockedResource, onlyResourceOfType, resourceNamed, resourcesOfType, settle, stateOf } from './mocked-pulumi';
import { DeploymentRun, runDeployment } from './run-deployment';
import { parseDeploymentConfig } from './stack-settings';

const POLICY = 'aws:organizations/policy:Policy';
const ATTACHMENT = 'aws:organizations/policyAttachment:PolicyAttachment';
const SERVICE_ACCESS = 'aws:organizations/awsServiceAccess:AwsServiceAccess';
const ROOT_FEATURES = 'aws:iam/organizationsFeatures:OrganizationsFeatures';
const BUCKET_OBJECT = 'aws:s3/bucketObjectv2:BucketObjectv2';
const MEMBER = '222222222222';

const EXEMPTIONS = `exemptions:
  - account: "${MEMBER}"
    user: break-glass-*
    rule: "*"
    reason: Sealed break-glass key
    expires: 2099-06-30
  - account: "${MEMBER}"
    user: alice
    rule: console-user-without-mfa
    reason: Hardware token on its way
    expires: 2099-09-30
`;

function environmentOf(run: DeploymentRun): Record<string, string> {
  const [container] = jsonInput<Array<{ environment: Array<{ name: string; value: string }> }>>(
    onlyResourceOfType(run, 'aws:ecs/taskDefinition:TaskDefinition'), 'containerDefinitions');
  return Object.fromEntries(container.environment.map(({ name, value }) => [name, value]));
}

function policyNamed(run: DeploymentRun, name: string): MockedResource {
  const found = resourcesOfType(run, POLICY).find((policy) => policy.inputs.name === name);
  assert.ok(found, `an SCP named ${name}`);
  return found;
}

/** Whether an administrator under FullAWSAccess and this deployed SCP may create the user's access key at `at`. */
async function mayCreateKey(scp: string, userName: string, at: string): Promise<boolean> {
  const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const result = await runSimulation({
    identityPolicies: [{ name: 'administrator', policy: allowAll }],
    serviceControlPolicies: [{ orgIdentifier: MOCK_ROOT_ID, policies: [{ name: 'FullAWSAccess', policy: allowAll }, { name: 'scp', policy: JSON.parse(scp) as unknown }] }],
    resourceControlPolicies: [],
    request: {
      principal: `arn:aws:sts::${MEMBER}:assumed-role/Admin/s`,
      action: 'iam:CreateAccessKey',
      resource: { resource: `arn:aws:iam::${MEMBER}:user/${userName}`, accountId: MEMBER },
      contextVariables: { 'aws:PrincipalArn': `arn:aws:iam::${MEMBER}:role/Admin`, 'aws:CurrentTime': at, 'aws:PrincipalAccount': MEMBER },
    },
  }, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult === 'Allowed';
}

describe('deployment program: guardrails', () => {
  let scratch: string;
  let exemptionsFile: string;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'guardrails-'));
    exemptionsFile = path.join(scratch, 'exemptions.yaml');
    writeFileSync(exemptionsFile, EXEMPTIONS);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe('off (the default)', () => {
    let run: DeploymentRun;
    before(async () => {
      run = await runDeployment({});
    });

    it('creates no SCP, no attachment, no root-access feature, no trusted access and uploads nothing', () => {
      for (const type of [POLICY, ATTACHMENT, SERVICE_ACCESS, ROOT_FEATURES, BUCKET_OBJECT, 'iam-audit-kit:guardrails:OrganizationGuardrails']) {
        assert.equal(resourcesOfType(run, type).length, 0, type);
      }
      assert.equal(environmentOf(run).AUDIT_EXEMPTIONS, undefined);
    });
  });

  describe('every setting on, with the exemptions file, on the organization root', () => {
    let run: DeploymentRun;
    before(async () => {
      run = await runDeployment({
        enforceNoAccessKeys: 'true', enforceConsoleMfa: 'true', enforceNoRootUser: 'true', centralizeRootAccess: 'true',
        exemptionsFile,
      });
    });

    it('creates the three SCPs with the documents infra/guardrails.ts builds, the access-key one with its carve-outs', () => {
      const policies = resourcesOfType(run, POLICY);
      assert.deepEqual(policies.map((policy) => policy.inputs.name).sort(), ['iam-audit-console-mfa', 'iam-audit-no-access-keys', 'iam-audit-no-root-user']);
      for (const policy of policies) assert.equal(policy.inputs.type, 'SERVICE_CONTROL_POLICY');
      assert.equal(policyNamed(run, 'iam-audit-console-mfa').inputs.content, renderScp(consoleMfaPolicy('aws').document));
      assert.equal(policyNamed(run, 'iam-audit-no-root-user').inputs.content, renderScp(noRootUserPolicy('aws').document));
      const accessKeys = JSON.parse(String(policyNamed(run, 'iam-audit-no-access-keys').inputs.content)) as PolicyDocument;
      assert.deepEqual(accessKeys.Statement.map((statement) => statement.Sid), ['DenyAccessKeysButExemptions', 'DenyAccessKeysAfter20990630']);
      assert.doesNotMatch(JSON.stringify(accessKeys), /alice/, 'an entry for a console rule is no carve-out');
    });

    it('lets the exempted user get a key until the end of its day, and nobody else, under the evaluator', async () => {
      const scp = String(policyNamed(run, 'iam-audit-no-access-keys').inputs.content);
      assert.equal(await mayCreateKey(scp, 'break-glass-1', '2099-06-30T23:59:00Z'), true);
      assert.equal(await mayCreateKey(scp, 'break-glass-1', '2099-07-01T00:00:01Z'), false);
      assert.equal(await mayCreateKey(scp, 'alice', '2027-01-01T00:00:00Z'), false);
    });

    it('attaches every SCP to the organization root', () => {
      const attachments = resourcesOfType(run, ATTACHMENT);
      assert.equal(attachments.length, 3);
      const policyIds = resourcesOfType(run, POLICY).map((policy) => policy.id).sort();
      assert.deepEqual(attachments.map((attachment) => attachment.inputs.policyId).sort(), policyIds);
      for (const attachment of attachments) assert.equal(attachment.inputs.targetId, MOCK_ROOT_ID);
    });

    it("turns on centralized root access, both features, with IAM's trusted access", () => {
      assert.equal(onlyResourceOfType(run, SERVICE_ACCESS).inputs.servicePrincipal, 'iam.amazonaws.com');
      assert.deepEqual(input(onlyResourceOfType(run, ROOT_FEATURES), 'enabledFeatures'), ['RootCredentialsManagement', 'RootSessions']);
    });

    it('uploads the checked file to the reports bucket and points the auditor task at it', () => {
      const object = onlyResourceOfType(run, BUCKET_OBJECT);
      const bucketName = stateOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'), 'bucket');
      assert.equal(object.inputs.bucket, bucketName);
      assert.equal(object.inputs.key, DEFAULT_EXEMPTIONS_S3_KEY);
      assert.equal(object.inputs.content, EXEMPTIONS);
      assert.equal(environmentOf(run).AUDIT_EXEMPTIONS, `s3://${bucketName}/${DEFAULT_EXEMPTIONS_S3_KEY}`);
      const taskPolicy = jsonInput<PolicyDocument>(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy');
      const bucketArn = stateOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'), 'arn');
      assert.ok(taskPolicy.Statement.some((statement) => [statement.Action].flat().includes('s3:GetObject')
        && [statement.Resource].flat().includes(`${bucketArn}/${DEFAULT_EXEMPTIONS_S3_KEY}`)), 'the task role may read the file');
    });
  });

  describe('one guardrail on OUs and an account, the file at its own key', () => {
    let run: DeploymentRun;
    before(async () => {
      run = await runDeployment({
        enforceConsoleMfa: 'true',
        enforcementTargetIds: `["ou-ab12-cd34ef56", "${MEMBER}"]`,
        exemptionsFile,
        exemptionsS3Key: 'audit/exemptions.yaml',
      });
    });

    it('attaches only that SCP, once per target, and nothing for root access', () => {
      assert.deepEqual(resourcesOfType(run, POLICY).map((policy) => policy.inputs.name), ['iam-audit-console-mfa']);
      assert.deepEqual(resourcesOfType(run, ATTACHMENT).map((attachment) => attachment.inputs.targetId), ['ou-ab12-cd34ef56', MEMBER]);
      assert.equal(resourcesOfType(run, ROOT_FEATURES).length, 0);
      assert.equal(resourcesOfType(run, SERVICE_ACCESS).length, 0);
    });

    it('uploads to exemptionsS3Key, the key the task reads', () => {
      assert.equal(onlyResourceOfType(run, BUCKET_OBJECT).inputs.key, 'audit/exemptions.yaml');
      assert.match(environmentOf(run).AUDIT_EXEMPTIONS, /\/audit\/exemptions\.yaml$/);
    });
  });

  describe('refusals at `pulumi up`', () => {
    const refused = (settings: Record<string, string>, problem: RegExp, now?: number): void => {
      assert.throws(() => parseDeploymentConfig(settings, 'us-east-1', now), (error: unknown) => {
        assert.ok(error instanceof DeploymentConfigError, String(error));
        assert.equal(error.key, 'exemptionsFile');
        assert.match(error.message, problem);
        return true;
      });
    };

    it('refuses an expired entry, naming the file, the line and the day, whichever rule it names', () => {
      refused({ exemptionsFile }, /^iam-audit-kit:exemptionsFile: .*exemptions\.yaml line 2: the exemption \(account 222222222222, user break-glass-\*, rule \*\) expired on 2099-06-30; renew/,
        Date.parse('2099-07-01T00:00:00Z'));
      const consoleRuleEndsFirst = path.join(scratch, 'console-rule.yaml');
      writeFileSync(consoleRuleEndsFirst, EXEMPTIONS.replace('2099-09-30', '2099-01-31'));
      refused({ exemptionsFile: consoleRuleEndsFirst }, /line 7: the exemption \(account 222222222222, user alice, rule console-user-without-mfa\) expired on 2099-01-31/,
        Date.parse('2099-02-01T00:00:00Z'));
    });

    it('refuses a rule the audit does not know, a missing file and a file that is not UTF-8', () => {
      const typo = path.join(scratch, 'typo.yaml');
      writeFileSync(typo, EXEMPTIONS.replace('console-user-without-mfa', 'console-user-without-mfaa'));
      refused({ exemptionsFile: typo }, /line 9: rule "console-user-without-mfaa" is not a rule of the audit/);
      refused({ exemptionsFile: path.join(scratch, 'missing.yaml') }, /cannot read .*missing\.yaml/);
      const latin1 = path.join(scratch, 'latin1.yaml');
      writeFileSync(latin1, Buffer.from(EXEMPTIONS.replace('Sealed', 'Scell\u00e9'), 'latin1'));
      refused({ exemptionsFile: latin1 }, /not UTF-8/);
    });

    it('refuses an access-key SCP over the size limit before registering any resource', async () => {
      const many = path.join(scratch, 'many.yaml');
      writeFileSync(many, `exemptions:\n${Array.from({ length: 60 }, (_, index) =>
        `  - account: "${MEMBER}"\n    user: service-user-${index}\n    rule: "*"\n    reason: Legacy\n    expires: 2099-01-01\n`).join('')}`);
      const run = await installMocks();
      assert.throws(() => deployAuditKit(parseDeploymentConfig({ enforceNoAccessKeys: 'true', exemptionsFile: many })),
        /iam-audit-no-access-keys SCP would be \d+ characters, more than the 5120 .*60 carve-outs for access keys in .*many\.yaml/);
      await settle(run);
      assert.deepEqual(run.resources, []);
    });
  });
});

describe('the SCPs as JSON files (npm run infra:template)', () => {
  it('commits the three documents without exemptions, as the command writes them', () => {
    const files = scpFiles();
    assert.deepEqual(readdirSync(SCP_TEMPLATES_DIRECTORY).sort(), files.map((file) => file.name).sort());
    for (const file of files) {
      assert.equal(readFileSync(path.join(SCP_TEMPLATES_DIRECTORY, file.name), 'utf8'), file.text, `${file.name} is up to date (npm run infra:template)`);
    }
  });

  it('writes the carve-outs of a given exemptions file, in the given partition', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'scp-files-'));
    try {
      const file = path.join(scratch, 'exemptions.yaml');
      writeFileSync(file, EXEMPTIONS);
      const accessKeys = scpFiles({ exemptionsFile: file, partition: 'aws-us-gov' }).find((entry) => entry.name === 'iam-audit-no-access-keys.json');
      assert.ok(accessKeys);
      assert.match(accessKeys.text, /"arn:aws-us-gov:iam::222222222222:user\/break-glass-\*"/);
      assert.match(accessKeys.text, /"aws:CurrentTime": "2099-06-30T23:59:59Z"/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
