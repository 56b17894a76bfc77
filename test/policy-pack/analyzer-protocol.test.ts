// The pack as the Pulumi engine runs it: `@pulumi/pulumi/cmd/run-policy-pack` started in the pack's
// directory (it compiles index.ts with ts-node, type checks included, and prints its gRPC port),
// then spoken to over the analyzer protocol.
import { strict as assert } from 'assert';
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import * as analyzer from '@pulumi/pulumi/proto/analyzer_pb';
import { AnalyzerClient } from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import { MFA_DENY_POLICY, UNKNOWN, urnOf } from './policy-harness';
import { call, startPack } from './pack-process';

const REPOSITORY = path.resolve(__dirname, '..', '..');
const PACK_DIRECTORY = path.join(REPOSITORY, 'policy-pack');
const PACK_VERSION: string = require(path.join(PACK_DIRECTORY, 'package.json')).version;

function resourceOptions(): analyzer.AnalyzerResourceOptions {
  return new analyzer.AnalyzerResourceOptions().setProtect(false);
}

function analyzeRequest(type: string, name: string, props: Record<string, string | string[]>): analyzer.AnalyzeRequest {
  return new analyzer.AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name))
    .setProperties(Struct.fromJavaScript(props))
    .setOptions(resourceOptions());
}

function stackResource(type: string, name: string, props: Record<string, string | string[]>, dependsOn: Record<string, string> = {}): analyzer.AnalyzerResource {
  const resource = new analyzer.AnalyzerResource()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name))
    .setProperties(Struct.fromJavaScript(props))
    .setOptions(resourceOptions());
  for (const [property, urn] of Object.entries(dependsOn)) {
    resource.getPropertydependenciesMap().set(property, new analyzer.AnalyzerPropertyDependencies().setUrnsList([urn]));
    resource.setDependenciesList([...resource.getDependenciesList(), urn]);
  }
  return resource;
}

function policyConfig(level: analyzer.EnforcementLevel, properties: Parameters<typeof Struct.fromJavaScript>[0] = {}): analyzer.PolicyConfig {
  return new analyzer.PolicyConfig().setEnforcementlevel(level).setProperties(Struct.fromJavaScript(properties));
}

describe('policy pack through the analyzer protocol', function () {
  let packProcess: ChildProcess | undefined;
  let client: AnalyzerClient;

  before(async function () {
    const started = startPack(PACK_DIRECTORY);
    packProcess = started.process;
    client = new AnalyzerClient(`127.0.0.1:${await started.port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    packProcess?.kill();
  });

  async function analyze(request: analyzer.AnalyzeRequest) {
    const response = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>((r, done) => client.analyze(r, done), request);
    return response.getDiagnosticsList();
  }

  async function analyzeStack(resources: analyzer.AnalyzerResource[]) {
    const response = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
      (r, done) => client.analyzeStack(r, done),
      new analyzer.AnalyzeStackRequest().setResourcesList(resources),
    );
    return response.getDiagnosticsList();
  }

  async function configure(config: Record<string, analyzer.PolicyConfig>) {
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, value] of Object.entries(config)) request.getPolicyconfigMap().set(name, value);
    await call<analyzer.ConfigureAnalyzerRequest, Empty>((r, done) => client.configure(r, done), request);
  }

  beforeEach(() => configure({}));

  it('describes the pack: name, version, policies, their kinds and default enforcement levels', async () => {
    const info = await call<Empty, analyzer.AnalyzerInfo>((r, done) => client.getAnalyzerInfo(r, done), new Empty());
    assert.equal(info.getName(), 'iam-audit-kit-guardrails');
    assert.equal(info.getVersion(), PACK_VERSION);
    const policies = info.getPoliciesList().map((policy) => [policy.getName(), policy.getEnforcementlevel(), policy.getPolicyType()]);
    assert.deepEqual(policies, [
      ['iam-no-access-keys', analyzer.EnforcementLevel.MANDATORY, analyzer.PolicyType.POLICY_TYPE_RESOURCE],
      ['iam-console-users-require-mfa', analyzer.EnforcementLevel.MANDATORY, analyzer.PolicyType.POLICY_TYPE_STACK],
      ['iam-human-role-trust-requires-mfa', analyzer.EnforcementLevel.ADVISORY, analyzer.PolicyType.POLICY_TYPE_RESOURCE],
    ]);
    const schema = info.getPoliciesList()[0].getConfigschema()?.getProperties()?.toJavaScript();
    assert.deepEqual(schema?.exemptUserNames, { type: 'array', items: { type: 'string' }, default: [], description: 'IAM user names allowed to have an access key (break-glass users).' });
  });

  it('reports a mandatory violation for an access key and an advisory one for a role people assume without MFA', async () => {
    const keyDiagnostics = await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'ci-key', { user: 'ci-bot' }));
    assert.deepEqual(
      keyDiagnostics.map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getPolicypackname(), d.getPolicypackversion()]),
      [['iam-no-access-keys', analyzer.EnforcementLevel.MANDATORY, 'iam-audit-kit-guardrails', PACK_VERSION]],
    );
    assert.ok(keyDiagnostics[0].getMessage().includes(urnOf('aws:iam/accessKey:AccessKey', 'ci-key')));

    const trust = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });
    const roleDiagnostics = await analyze(analyzeRequest('aws:iam/role:Role', 'admin', { assumeRolePolicy: trust }));
    assert.deepEqual(
      roleDiagnostics.map((d) => [d.getPolicyname(), d.getEnforcementlevel()]),
      [['iam-human-role-trust-requires-mfa', analyzer.EnforcementLevel.ADVISORY]],
    );
    assert.deepEqual(await analyze(analyzeRequest('aws:s3/bucket:Bucket', 'reports', { bucket: 'reports' })), []);
  });

  it('turns a value unknown during preview into an advisory note, never a violation', async () => {
    const diagnostics = await analyze(analyzeRequest('aws:cloudformation/stackSet:StackSet', 'audit-role', { templateBody: UNKNOWN }));
    // Both template-reading policies skip, each with a note.
    assert.deepEqual(
      diagnostics.map((d) => [d.getPolicyname(), d.getEnforcementlevel()]),
      [
        ['iam-no-access-keys', analyzer.EnforcementLevel.ADVISORY],
        ['iam-human-role-trust-requires-mfa', analyzer.EnforcementLevel.ADVISORY],
      ],
    );
    for (const diagnostic of diagnostics) assert.match(diagnostic.getMessage(), /can't run policy '.*' from policy pack .* during preview: .*templateBody/);
  });

  it('applies --policy-pack-config: exemptions and enforcement levels per policy', async () => {
    await configure({
      'iam-no-access-keys': policyConfig(analyzer.EnforcementLevel.MANDATORY, { exemptUserNames: ['break-glass'] }),
      'iam-human-role-trust-requires-mfa': policyConfig(analyzer.EnforcementLevel.MANDATORY),
    });
    assert.deepEqual(await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'bg', { user: 'break-glass' })), []);
    assert.equal((await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'ci', { user: 'ci-bot' }))).length, 1);
    const trust = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }] });
    const roleDiagnostics = await analyze(analyzeRequest('aws:iam/role:Role', 'admin', { assumeRolePolicy: trust }));
    assert.deepEqual(roleDiagnostics.map((d) => d.getEnforcementlevel()), [analyzer.EnforcementLevel.MANDATORY]);

    await configure({ 'iam-no-access-keys': policyConfig(analyzer.EnforcementLevel.DISABLED) });
    assert.deepEqual(await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'ci', { user: 'ci-bot' })), []);
  });

  it('honours the audit\'s exemptions file: the same entries, matching and expiry, from a file or inline', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-exemptions-'));
    try {
      const file = path.join(scratch, 'exemptions.yaml');
      fs.writeFileSync(file, [
        'exemptions:',
        '  - account: "015197090613"',
        '    user: break-glass-*',
        '    rule: "*"',
        '    reason: Sealed break-glass key, rotated by the platform team',
        '    expires: 2099-06-30',
        '  - account: "*"',
        '    user: ops-legacy',
        '    rule: access-key-very-old',
        '    reason: Old migration',
        '    expires: 2020-06-30',
        '',
      ].join('\n'));
      await configure({ 'iam-no-access-keys': policyConfig(analyzer.EnforcementLevel.MANDATORY, { exemptionsFile: file, accountId: '015197090613' }) });
      assert.deepEqual(await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'bg', { user: 'break-glass-admin' })), []);
      const expired = await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'legacy', { user: 'ops-legacy' }));
      assert.deepEqual(expired.map((d) => d.getEnforcementlevel()), [analyzer.EnforcementLevel.MANDATORY]);
      assert.match(expired[0].getMessage(), /The exemption line 7 \(account \*, user ops-legacy, rule access-key-very-old\) expired on 2020-06-30/);

      // Another account: the entry for 015197090613 does not apply.
      await configure({ 'iam-no-access-keys': policyConfig(analyzer.EnforcementLevel.MANDATORY, { exemptionsFile: file, accountId: '111111111111' }) });
      assert.equal((await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'bg', { user: 'break-glass-admin' }))).length, 1);

      await configure({
        'iam-no-access-keys': policyConfig(analyzer.EnforcementLevel.MANDATORY, {
          exemptions: [{ account: '*', user: 'break-glass-*', rule: '*', reason: 'Sealed', expires: '2099-06-30' }],
        }),
      });
      assert.deepEqual(await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'bg', { user: 'break-glass-admin' })), []);
      assert.equal((await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'ci', { user: 'ci-bot', status: 'Inactive' }))).length, 1);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('accepts the README\'s example config file as the CLI sends it', async () => {
    const levels: Record<string, analyzer.EnforcementLevel> = {
      advisory: analyzer.EnforcementLevel.ADVISORY,
      mandatory: analyzer.EnforcementLevel.MANDATORY,
      disabled: analyzer.EnforcementLevel.DISABLED,
    };
    const file: Record<string, string | { enforcementLevel: string; exemptionsFile?: string }> = JSON.parse(
      fs.readFileSync(path.join(PACK_DIRECTORY, 'config.example.json'), 'utf8'),
    );
    const config: Record<string, analyzer.PolicyConfig> = {};
    for (const [policy, value] of Object.entries(file)) {
      const { enforcementLevel, ...properties } = typeof value === 'string' ? { enforcementLevel: value } : value;
      assert.ok(enforcementLevel in levels, `${policy}: ${enforcementLevel}`);
      config[policy] = policyConfig(levels[enforcementLevel], properties);
    }
    await configure(config);
    // The example file's one entry (break-glass-*, every account and rule) holds through its last day.
    const breakGlass = await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'bg', { user: 'break-glass-admin' }));
    const lastDay = /expires: (\d{4}-\d{2}-\d{2})/.exec(fs.readFileSync(path.join(REPOSITORY, 'exemptions.example.yaml'), 'utf8'))?.[1] ?? '';
    if (Date.now() < Date.parse(`${lastDay}T00:00:00Z`) + 24 * 60 * 60 * 1000) assert.deepEqual(breakGlass, []);
    else assert.match(breakGlass[0]?.getMessage() ?? '', /expired on/);
    assert.equal((await analyze(analyzeRequest('aws:iam/accessKey:AccessKey', 'ci', { user: 'ci-bot' }))).length, 1);
    const trust = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }] });
    const roleDiagnostics = await analyze(analyzeRequest('aws:iam/role:Role', 'admin', { assumeRolePolicy: trust }));
    assert.deepEqual(roleDiagnostics.map((d) => d.getEnforcementlevel()), [analyzer.EnforcementLevel.MANDATORY]);
  });

  it('analyzes a stack: an uncovered console user is reported on its login profile, a covered one is not', async () => {
    const userUrn = urnOf('aws:iam/user:User', 'alice');
    const diagnostics = await analyzeStack([
      stackResource('aws:iam/user:User', 'alice', { name: 'alice' }),
      stackResource('aws:iam/userLoginProfile:UserLoginProfile', 'alice-console', { user: 'alice' }),
    ]);
    assert.deepEqual(
      diagnostics.map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getUrn()]),
      [['iam-console-users-require-mfa', analyzer.EnforcementLevel.MANDATORY, urnOf('aws:iam/userLoginProfile:UserLoginProfile', 'alice-console')]],
    );

    // As in a preview: the user policy's `user` is not known yet, its dependency says whose it is.
    const covered = await analyzeStack([
      stackResource('aws:iam/user:User', 'alice', { name: 'alice' }),
      stackResource('aws:iam/userLoginProfile:UserLoginProfile', 'alice-console', { user: 'alice' }),
      stackResource('aws:iam/userPolicy:UserPolicy', 'alice-force-mfa', { user: UNKNOWN, policy: MFA_DENY_POLICY }, { user: userUrn }),
    ]);
    assert.deepEqual(covered, []);
  });
});
