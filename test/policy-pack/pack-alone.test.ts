// `pulumi policy publish` packs only policy-pack/: the pack must run from that folder alone. The
// folder is copied elsewhere with a node_modules that holds exactly the packages its own
// package.json declares (linked from the repository's install, so their own dependencies resolve
// as installed), and spoken to through the analyzer protocol: an import of anything outside the
// folder, or of a package the pack does not declare, fails to compile there.
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
import { urnOf } from './policy-harness';
import { call, startPack } from './pack-process';

const REPOSITORY = path.resolve(__dirname, '..', '..');
const PACK_DIRECTORY = path.join(REPOSITORY, 'policy-pack');

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The pack copied to `target`, with only its declared packages in its node_modules. */
function copyPackAlone(target: string): string[] {
  fs.cpSync(PACK_DIRECTORY, target, { recursive: true, filter: (source) => path.basename(source) !== 'node_modules' });
  const manifest = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')) as PackageJson;
  const declared = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
  for (const name of declared) {
    const installed = path.join(REPOSITORY, 'node_modules', name);
    assert.ok(fs.existsSync(installed), `${name}, declared by policy-pack/package.json, is not installed by the repository`);
    const link = path.join(target, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(installed, link, 'dir');
  }
  return declared;
}

describe('policy pack from its folder alone', function () {
  this.timeout(120_000);
  let scratch: string;
  let packProcess: ChildProcess | undefined;
  let client: AnalyzerClient | undefined;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-alone-'));
  });

  after(() => {
    client?.close();
    packProcess?.kill();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('imports nothing outside policy-pack/ and only the packages it declares', () => {
    for (const file of fs.readdirSync(PACK_DIRECTORY, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.includes('node_modules')) continue;
      const text = fs.readFileSync(path.join(PACK_DIRECTORY, file), 'utf8');
      for (const [, specifier] of text.matchAll(/from '([^']+)'/g)) {
        if (!specifier.startsWith('.')) continue;
        const resolved = path.resolve(PACK_DIRECTORY, path.dirname(file), specifier);
        assert.ok(resolved.startsWith(PACK_DIRECTORY + path.sep), `policy-pack/${file} imports ${specifier}, outside the pack`);
      }
    }
  });

  it('serves the analyzer protocol when copied elsewhere with only its own dependencies', async () => {
    const target = path.join(scratch, 'policy-pack');
    const declared = copyPackAlone(target);
    assert.ok(!declared.includes('commander'), 'the pack needs no command-line parser');
    const started = startPack(target);
    packProcess = started.process;
    client = new AnalyzerClient(`127.0.0.1:${await started.port}`, grpc.credentials.createInsecure());
    const connected = client;
    const info = await call<Empty, analyzer.AnalyzerInfo>((r, done) => connected.getAnalyzerInfo(r, done), new Empty());
    assert.equal(info.getName(), 'iam-audit-kit-guardrails');

    // Its exemptions file is read with the format the pack carries.
    const file = path.join(scratch, 'exemptions.yaml');
    fs.writeFileSync(file, 'exemptions:\n  - account: "015197090613"\n    user: break-glass\n    rule: "*"\n    reason: Sealed\n    expires: 2099-06-30\n');
    const configure = new analyzer.ConfigureAnalyzerRequest();
    configure.getPolicyconfigMap().set('iam-no-access-keys', new analyzer.PolicyConfig()
      .setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY)
      .setProperties(Struct.fromJavaScript({ exemptionsFile: file, accountId: '015197090613' })));
    await call<analyzer.ConfigureAnalyzerRequest, Empty>((r, done) => connected.configure(r, done), configure);
    const analyze = (user: string) => call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>((r, done) => connected.analyze(r, done), new analyzer.AnalyzeRequest()
      .setType('aws:iam/accessKey:AccessKey').setName(user).setUrn(urnOf('aws:iam/accessKey:AccessKey', user))
      .setProperties(Struct.fromJavaScript({ user }))
      .setOptions(new analyzer.AnalyzerResourceOptions().setProtect(false)));
    assert.deepEqual((await analyze('break-glass')).getDiagnosticsList(), []);
    assert.deepEqual((await analyze('ci-bot')).getDiagnosticsList().map((d) => d.getPolicyname()), ['iam-no-access-keys']);
  });
});
