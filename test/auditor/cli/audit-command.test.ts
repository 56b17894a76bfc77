import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AwsClientFactory } from '../../../auditor/aws/clients';
import { buildAuditCommand, flagGivenAsValue, main } from '../../../auditor/cli/audit-command';
import type { Environment } from '../../../auditor/values/parsers';
import { runProgress } from '../../../auditor/cli/progress';
import { CommandOutput } from '../../../auditor/cli/command-output';
import { auditRunFixture } from '../../support/audit-run-fixture';
import { version as PACKAGE_VERSION } from '../../../package.json';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  awsClientsRequested: number;
}

/** Runs the command with a client factory that fails the test if anything would be sent to AWS. */
async function runCli(argv: string[], env: Environment = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let awsClientsRequested = 0;
  const code = await main(argv, {
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    clientFactory: (): AwsClientFactory => {
      awsClientsRequested += 1;
      throw new Error('AWS clients must not be built for a usage error');
    },
  });
  return { code, stdout, stderr, awsClientsRequested };
}

describe('audit command line: usage errors', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-cli-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  const withOutDir = (argv: string[]) => ['--out-dir', path.join(scratch, 'out'), ...argv];

  const cases: { name: string; argv: string[]; env?: Environment; message: RegExp }[] = [
    { name: 'an unknown flag', argv: ['--role', 'Audit', '--bogus'], message: /unknown option '--bogus'/ },
    { name: 'a stray argument', argv: ['--role', 'Audit', 'extra'], message: /too many arguments/ },
    { name: 'a flag without its value', argv: ['--role'], message: /option '--role <name>' argument missing/ },
    { name: 'a flag where a value belongs', argv: ['--role', '--out-dir', 'reports'], message: /^error: --role: needs a value, but is followed by the flag --out-dir$/m },
    { name: "a flag where merge's value belongs", argv: ['merge', '--from', '--out-dir', 'reports'], message: /^error: --from: needs a value, but is followed by the flag --out-dir$/m },
    { name: 'concurrency 0', argv: ['--role', 'Audit', '--concurrency', '0'], message: /'--concurrency <n>' argument '0' is invalid\. Expected a whole number from 1 to 64/ },
    { name: 'concurrency above the maximum', argv: ['--role', 'Audit', '--concurrency', '65'], message: /--concurrency/ },
    { name: 'concurrency not a number', argv: ['--role', 'Audit', '--concurrency', '4x'], message: /--concurrency <n>' argument '4x' is invalid/ },
    { name: 'a short account id', argv: ['--role', 'Audit', '--accounts', '12345'], message: /--accounts <ids>' argument '12345' is invalid\. Not a 12-digit AWS account id: "12345"/ },
    {
      name: 'a bad id among good ones in --exclude-accounts',
      argv: ['--role', 'Audit', '--exclude-accounts', '111111111111,abc'],
      message: /--exclude-accounts <ids>' argument '111111111111,abc' is invalid\. Not a 12-digit AWS account id: "abc"/,
    },
    { name: 'an empty account list', argv: ['--role', 'Audit', '--accounts', ','], message: /--accounts <ids>'.*empty list/ },
    { name: 'a bad S3 URI', argv: ['--role', 'Audit', '--s3-uri', 'https://bucket/x'], message: /--s3-uri <uri>' argument 'https:\/\/bucket\/x' is invalid\. Expected s3:\/\// },
    { name: 'a bad CloudTrail region', argv: ['--role', 'Audit', '--cloudtrail-region', 'Virginia'], message: /--cloudtrail-region <region>' argument 'Virginia' is invalid/ },
    { name: 'more days than CloudTrail keeps', argv: ['--role', 'Audit', '--since-days', '91'], message: /--since-days <n>' argument '91' is invalid\. Expected a whole number from 1 to 90/ },
    { name: 'a role name with a space', argv: ['--role', 'Audit Role'], message: /--role <name>' argument 'Audit Role' is invalid\. Not an IAM role name/ },
    { name: 'an empty role name', argv: ['--role', ''], message: /--role <name>' argument '' is invalid\. Not an IAM role name/ },
    { name: 'a short id in --exclude-accounts', argv: ['--role', 'Audit', '--exclude-accounts', '12345'], message: /--exclude-accounts <ids>' argument '12345' is invalid\. Not a 12-digit AWS account id: "12345"/ },
    { name: 'a bad AUDIT_CONCURRENCY', argv: ['--role', 'Audit'], env: { AUDIT_CONCURRENCY: '-1' }, message: /AUDIT_CONCURRENCY: expected a whole number from 1 to 64, got "-1"/ },
    { name: 'a bad AUDIT_S3_URI', argv: ['--role', 'Audit'], env: { AUDIT_S3_URI: 's3://x' }, message: /AUDIT_S3_URI: "x" is not an S3 bucket name/ },
  ];
  for (const testCase of cases) {
    it(`exits 1 with a message naming the flag for ${testCase.name}, sending nothing to AWS`, async () => {
      const result = await runCli(withOutDir(testCase.argv), testCase.env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, testCase.message);
      assert.equal(result.awsClientsRequested, 0);
    });
  }

  it('exits 1 when the output directory cannot be written, before calling AWS', async () => {
    const blocker = path.join(scratch, 'blocker');
    await writeFile(blocker, 'a file, not a directory');
    const result = await runCli(['--role', 'Audit', '--out-dir', path.join(blocker, 'out')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--out-dir: cannot write reports to .*blocker/);
    assert.equal(result.awsClientsRequested, 0);
  });

  it('prints every flag with --help on stdout and exits 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const flag of ['--role', '--profile', '--out-dir', '--accounts', '--exclude-accounts', '--concurrency', '--external-id', '--cloudtrail-region', '--since-days', '--no-cloudtrail', '--s3-uri', '--help']) {
      assert.ok(result.stdout.includes(flag), `help lists ${flag}`);
    }
    assert.equal(result.awsClientsRequested, 0);
  });
});

describe('audit command line: version, profile and start-up', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-cli-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('--version prints the package version on stdout and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${PACKAGE_VERSION}\n`);
      assert.equal(result.awsClientsRequested, 0);
    }
  });

  it('says that a --profile or AWS_PROFILE does not exist, naming the files, before any directory or AWS client', async () => {
    const config = path.join(scratch, 'config');
    const credentials = path.join(scratch, 'credentials');
    await writeFile(config, '[default]\nregion = eu-west-1\n[profile audit-prod]\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\n');
    await writeFile(credentials, '[ci]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    const outDir = path.join(scratch, 'out');
    const result = await runCli(['--role', 'Audit', '--profile', 'audit-prd', '--out-dir', outDir], env);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `error: --profile: the profile "audit-prd" does not exist in ${config} or ${credentials} (profiles there: audit-prod, ci, default)\n`,
    );
    assert.equal(result.awsClientsRequested, 0);
    assert.equal(existsSync(outDir), false);

    const fromEnvironment = await runCli(['--role', 'Audit', '--out-dir', outDir], { ...env, AWS_PROFILE: 'nope' });
    assert.match(fromEnvironment.stderr, /^error: AWS_PROFILE: the profile "nope" does not exist/);

    // A profile of either file passes the check and goes on to the clients.
    for (const profile of ['audit-prod', 'ci']) {
      const known = await runCli(['--role', 'Audit', '--profile', profile, '--out-dir', outDir], env);
      assert.equal(known.awsClientsRequested, 1, known.stderr);
    }
  });

  it('loads no AWS SDK module for --help, --version or a bad flag', function () {
    this.timeout(60_000);
    const script = `
      require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(REPO, 'tsconfig.json'))} });
      const { main } = require(${JSON.stringify(path.join(REPO, 'auditor', 'cli', 'audit-command.ts'))});
      (async () => {
        for (const argv of [['--help'], ['--version'], ['--concurrency', '0']]) await main(argv, { stdout: () => undefined, stderr: () => undefined, env: {} });
        const loaded = Object.keys(require.cache).filter((file) => /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/]/.test(file));
        process.stdout.write(JSON.stringify(loaded));
      })();`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: REPO });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), []);
  });
});

describe('audit command line: progress lines', () => {
  it('describes each outcome and replaces control characters of hostile names and errors', async () => {
    let written = '';
    const hooks = runProgress(new CommandOutput({ write: () => true }, { write: (text: string) => (written += text) }, { format: 'text', quiet: false }, {}), {});
    const accounts = auditRunFixture().accounts;
    hooks.onAccountsListed?.(accounts.map((audit) => audit.account));
    for (const audit of accounts) await hooks.onAccountDone?.(audit);
    const lines = written.split('\n');
    assert.equal(lines.length, 5);
    assert.equal(lines[0], '[1/4] 111111111111 Management: audited (5 users, 3 keys)');
    assert.match(lines[1], /^\[2\/4\] 222222222222 =HYPERLINK\("http:\/\/evil\.example","click"\), "quoted" second line: partial \(1 user, 1 key\): ListMFADevices for -mallory: AccessDenied/);
    assert.equal(lines[2], '[3/4] 333333333333 No role: not audited: AssumeRole arn:aws:iam::333333333333:role/Audit: AccessDenied');
    assert.equal(lines[3], '[4/4] 444444444444 Old: skipped: account state is SUSPENDED');
    assert.equal(lines[4], '');
  });

  it('numbers lines without a total when the accounts were never announced', async () => {
    let written = '';
    const hooks = runProgress(new CommandOutput({ write: () => true }, { write: (text: string) => (written += text) }, { format: 'text', quiet: false }, {}), {});
    await hooks.onAccountDone?.(auditRunFixture().accounts[0]);
    assert.equal(written, '[1] 111111111111 Management: audited (5 users, 3 keys)\n');
  });
});

describe('audit command line: a flag where a value belongs', () => {
  it('looks at the flags of the command each word belongs to, and never at a value', () => {
    const command = buildAuditCommand();
    assert.equal(flagGivenAsValue(command, ['--role', 'merge', '--out-dir', 'x']), null, 'a role named merge is a value, not the subcommand');
    assert.equal(flagGivenAsValue(command, ['--role', 'Audit', 'merge', '--from', 'parts', '--out-dir', 'x']), null);
    assert.equal(flagGivenAsValue(command, ['--concurrency', '-1']), null, 'a value that only looks like a flag is left to the value check');
    assert.equal(flagGivenAsValue(command, ['--profile', '--role', 'Audit']), '--profile: needs a value, but is followed by the flag --role');
  });
});

