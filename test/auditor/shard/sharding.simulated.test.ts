// Sharding end to end against the simulated organization: three `--shard i/3` runs merged with
// `merge` give the very reports a single run gives, and merge refuses parts that are not every
// shard of one run exactly once.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { main } from '../../../auditor/cli/audit-command';
import type { Environment } from '../../../auditor/values/parsers';
import type { JsonReport } from '../../../auditor/reports/json-report';
import { shardOfAccount } from '../../../auditor/shard/shard';
import { loadWorkbook } from '../../support/report-files';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedUserSpec } from '../../../simulator/simulated-aws';

const RUN_TIME = '2024-03-01T12:00:00.000Z';
const RUN_TIMESTAMP = '20240301T120000Z';
const RUN_ID = 'a1b2c3';
/** The run's name in its file names: its timestamp and its id, which the tests fix. */
const RUN_NAME = `${RUN_TIMESTAMP}-${RUN_ID}`;
const SHARDS = 3;

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const NO_ROLE = '333333333333';
const SUSPENDED = '444444444444';
const PARTIAL = '555555555555';
const DEV = '666666666666';
const EXCLUDED = '777777777777';
const SANDBOX = '888888888888';
const DATA = '999999999999';

const PROD_USERS: SimulatedUserSpec[] = [
  {
    name: 'alice',
    password: { lastUsed: '2024-02-20T09:30:00Z' },
    mfa: [{ type: 'virtual' }],
    accessKeys: [
      { id: 'AKIAALICEKEY00000001', created: '2019-05-01T00:00:00Z', lastUsed: { date: '2024-02-28T10:00:00Z', service: 's3', region: 'eu-west-1' } },
      { id: 'AKIAALICEKEY00000002', status: 'Inactive', created: '2024-01-01T00:00:00Z', lastUsed: null },
    ],
  },
  { name: 'bob' },
  { name: 'carol', password: { lastUsed: null }, mfa: [{ type: 'security-key' }], accessKeys: [{ id: 'AKIACAROLKEY00000001', created: '2024-02-01T00:00:00Z' }] },
  { name: 'erin', password: { lastUsed: '2024-02-25T00:00:00Z' } },
];

/** A fresh organization per run: injected faults are used up by the run that meets them. */
function organization(): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'IamAudit', pageSizes: { organizations: 2, iam: 2 } })
    .addAccount({ id: MANAGEMENT, name: 'Management', users: [{ name: 'admin', password: { lastUsed: '2024-02-29T08:00:00Z' }, mfa: [{ type: 'hardware' }] }], root: { mfa: 'hardware' } })
    // Listed out of id order: the merge must restore the listing's order, not sort.
    .addAccount({ id: DATA, name: 'Data', users: [{ name: 'ken', accessKeys: [{ created: '2022-01-01T00:00:00Z', lastUsed: { date: '2023-01-01T00:00:00Z', service: 's3', region: 'us-east-1' } }] }] })
    .addAccount({
      id: PROD,
      name: 'Prod',
      users: PROD_USERS,
      root: { mfa: 'none', accessKeys: [{ created: '2018-01-01T00:00:00Z' }] },
      events: [
        { eventName: 'DeleteAccessKey', eventTime: '2024-02-27T10:00:00Z', username: 'admin', resources: [{ type: 'AWS::IAM::AccessKey', name: 'AKIAOLDKEY0000000001' }] },
        { eventName: 'CreateLoginProfile', eventTime: '2024-02-26T10:00:00Z', username: 'admin', resources: [{ type: 'AWS::IAM::User', name: 'erin' }] },
      ],
    })
    .addAccount({ id: NO_ROLE, name: 'No role', auditRole: 'missing', users: [{ name: 'ghost' }] })
    .addAccount({ id: SUSPENDED, name: 'Closed', state: 'SUSPENDED' })
    .addAccount({ id: PARTIAL, name: 'Partial', users: [{ name: 'frank', accessKeys: [{ created: '2023-01-01T00:00:00Z' }] }] })
    .addAccount({
      id: DEV,
      name: 'Dev',
      users: [{ name: 'gina', password: { lastUsed: '2024-02-28T00:00:00Z' }, accessKeys: [{ created: '2023-11-01T00:00:00Z', lastUsed: { date: '2024-02-29T00:00:00Z', service: 'ec2', region: 'eu-west-1' } }] }],
      events: [{ eventName: 'EnableMFADevice', eventTime: '2024-02-28T09:00:00Z', username: 'gina', resources: [{ type: 'AWS::IAM::User', name: 'gina' }] }],
    })
    .addAccount({ id: EXCLUDED, name: 'Excluded', users: [{ name: 'hank', password: {} }] })
    .addAccount({ id: SANDBOX, name: 'Sandbox', users: [{ name: 'ivan', password: { lastUsed: '2024-02-29T00:00:00Z' } }, { name: 'judy', accessKeys: [{ created: '2024-02-20T00:00:00Z' }] }] })
    .injectFault({ operation: 'LookupEvents', accountId: PARTIAL, error: 'AccessDenied' });
}

const FILTERS = ['--exclude-accounts', EXCLUDED];

interface CliRun {
  code: number;
  stderr: string;
}

async function run(argv: string[], env: Environment = {}): Promise<CliRun> {
  let stderr = '';
  const code = await main(argv, {
    env,
    // The clock of a single run; shards take --run-time instead.
    now: () => new Date(RUN_TIME),
    runId: () => RUN_ID,
    stdout: () => undefined,
    stderr: (text) => (stderr += text),
    clientFactory: () => simulatedClientFactory(organization(), { maxAttempts: 2 }),
  });
  return { code, stderr };
}

async function runShard(index: number, outDir: string, extra: string[] = [], runTime = RUN_TIME, count = SHARDS): Promise<CliRun> {
  return run(['--role', 'IamAudit', '--out-dir', outDir, ...FILTERS, '--shard', `${index}/${count}`, '--run-time', runTime, ...extra]);
}

/**
 * Fields that differ between any two runs by nature, normalised before comparing: only the JSON
 * report's `finishedAt` (how long a run took). Everything else must be byte for byte the same.
 */
function normalised(fileName: string, body: string): string {
  if (!fileName.endsWith('.json') || fileName === 'history.json') return body;
  const report = JSON.parse(body) as JsonReport;
  report.finishedAt = '<finishedAt>';
  return JSON.stringify(report, null, 2);
}

/** A workbook's sheets and cell values: its zip entries carry the time they were written. */
async function workbookText(file: string): Promise<string> {
  const workbook = await loadWorkbook(await readFile(file));
  return JSON.stringify(workbook.worksheets.map((sheet) => [sheet.name, sheet.getSheetValues()]));
}

async function filesOf(directory: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(directory)).sort()) {
    const file = path.join(directory, name);
    files.set(name, name.endsWith('.xlsx') ? await workbookText(file) : await readFile(file, 'utf8'));
  }
  return files;
}

describe('sharding against a simulated organization', () => {
  let scratch: string;
  let single: { dir: string; result: CliRun };
  let shardsDir: string;
  let shardRuns: CliRun[];

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-shards-'));
    single = { dir: path.join(scratch, 'single'), result: { code: -1, stderr: '' } };
    single.result = await run(['--role', 'IamAudit', '--out-dir', single.dir, ...FILTERS]);
    shardsDir = path.join(scratch, 'shards');
    shardRuns = [];
    for (let index = 1; index <= SHARDS; index += 1) shardRuns.push(await runShard(index, shardsDir));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('spreads the test organization over every shard (a precondition of the tests below)', () => {
    const ids = [MANAGEMENT, PROD, NO_ROLE, SUSPENDED, PARTIAL, DEV, EXCLUDED, SANDBOX, DATA];
    const shards = new Set(ids.map((id) => shardOfAccount(id, SHARDS)));
    assert.equal(shards.size, SHARDS);
  });

  it('each shard writes only its part, with its slice of the accounts and no other shard\'s', async () => {
    assert.equal(single.result.code, 2, single.result.stderr);
    assert.deepEqual((await readdir(shardsDir)).sort(), [1, 2, 3].map((index) => `iam_audit_${RUN_TIMESTAMP}_shard-${index}-of-3.json`));
    const seen: string[] = [];
    for (let index = 1; index <= SHARDS; index += 1) {
      const part = JSON.parse(await readFile(path.join(shardsDir, `iam_audit_${RUN_TIMESTAMP}_shard-${index}-of-3.json`), 'utf8')) as JsonReport;
      assert.deepEqual({ ...part.shard, accountIds: part.shard?.accountIds.length }, { index, count: 3, accountIds: 9, includeAccounts: null, excludeAccounts: [EXCLUDED] });
      const ids = part.accounts.map((audit) => audit.account.id);
      assert.ok(ids.every((id) => shardOfAccount(id, SHARDS) === index), `shard ${index} holds ${ids.join(', ')}`);
      // Other shards' accounts are left out, not reported as skipped.
      assert.ok(part.accounts.every((audit) => audit.coverage.skipped !== 'filter' || audit.account.id === EXCLUDED));
      seen.push(...ids);
    }
    assert.deepEqual([...seen].sort(), [MANAGEMENT, PROD, NO_ROLE, SUSPENDED, PARTIAL, DEV, EXCLUDED, SANDBOX, DATA].sort());
    // A shard does not analyse, notify or keep history: that is the merge's job.
    assert.ok(shardRuns.every((shard) => !/Findings:/.test(shard.stderr)));
    // Exit codes as for the slice: the shards holding the account without the role or the partial one say 2.
    const incomplete = new Set([NO_ROLE, PARTIAL].map((id) => shardOfAccount(id, SHARDS)));
    assert.deepEqual(shardRuns.map((shard) => shard.code), [1, 2, 3].map((index) => (incomplete.has(index) ? 2 : 0)));
  });

  it('leaves the notification to the merge: a shard ignores AUDIT_SNS_TOPIC_ARN, which the deployment sets for every task', async () => {
    // The simulated factory's SNS client would try the real endpoint, and fail the run, if it were used.
    const shard = await run(['--role', 'IamAudit', '--out-dir', path.join(scratch, 'sns-shard'), ...FILTERS, '--shard', '1/3', '--run-time', RUN_TIME], {
      AUDIT_SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:iam-audit',
    });
    assert.notEqual(shard.code, 1, shard.stderr);
    assert.doesNotMatch(shard.stderr, /published|could not publish/);
    assert.deepEqual(await readdir(path.join(scratch, 'sns-shard')), [`iam_audit_${RUN_TIMESTAMP}_shard-1-of-3.json`]);
  });

  it('merges the three parts into reports identical to a single run\'s', async () => {
    const mergedDir = path.join(scratch, 'merged');
    const merged = await run(['merge', '--from', shardsDir, '--out-dir', mergedDir]);
    assert.equal(merged.code, 2, merged.stderr);
    assert.match(merged.stderr, new RegExp(`merged 3 shard parts of run ${RUN_TIMESTAMP}`));

    const expected = await filesOf(single.dir);
    const actual = await filesOf(mergedDir);
    assert.deepEqual([...actual.keys()], [...expected.keys()]);
    assert.equal(expected.size, 11, 'ten reports and the history');
    for (const [name, body] of expected) {
      assert.equal(normalised(name, actual.get(name) ?? ''), normalised(name, body), `${name} differs`);
    }
    // The printed summary and analysis are the single run's too.
    // Paths differ (each run has its own directory); everything else is the same.
    const tail = (text: string) => text.slice(text.indexOf('Audit summary')).replace(/ {4}\/\S+\n/g, '').replace(/ \/\S+\/(iam_audit_\S+\.html)/g, ' $1');
    assert.equal(tail(merged.stderr), tail(single.result.stderr));
  });

  it('reads the exemptions file in the merge, not in the shards, which the deployment gives AUDIT_EXEMPTIONS too', async () => {
    const file = path.join(scratch, 'exemptions.yaml');
    await writeFile(file, `exemptions:\n  - account: "${PROD}"\n    user: root\n    rule: "*"\n    reason: Root key sealed in the safe\n    expires: 2024-12-31\n`);
    const shardDir = path.join(scratch, 'exemptions-shards');
    for (let index = 1; index <= SHARDS; index += 1) {
      // A file a shard would fail on: a shard never reads it.
      const shard = await run(['--role', 'IamAudit', '--out-dir', shardDir, ...FILTERS, '--shard', `${index}/${SHARDS}`, '--run-time', RUN_TIME], { AUDIT_EXEMPTIONS: path.join(scratch, 'missing.yaml') });
      assert.notEqual(shard.code, 1, shard.stderr);
    }
    const merged = await run(['merge', '--from', shardDir, '--out-dir', path.join(scratch, 'exemptions-merged')], { AUDIT_EXEMPTIONS: file });
    assert.match(merged.stderr, /Exemptions \(.*exemptions\.yaml\): 1 entry, 2 findings muted, 0 expired, 0 unused/);
    const broken = await run(['merge', '--from', shardDir, '--out-dir', path.join(scratch, 'exemptions-broken'), '--exemptions', path.join(scratch, 'missing.yaml')]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /--exemptions: cannot read .*missing\.yaml/);
  });

  it('merges parts uploaded to S3 and uploads the reports where a single run puts them', async () => {
    const s3Mock: AwsClientStub<S3Client> = mockClient(S3Client);
    try {
      const bucket = new Map<string, string>();
      s3Mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
        bucket.set(String(input.Key), String(input.Body));
        return {};
      });
      s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
        Contents: [...bucket.keys()].filter((key) => key.startsWith(input.Prefix ?? '')).sort().map((Key) => ({ Key })),
      }));
      s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
        const text = bucket.get(input.Key);
        if (text === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
        return { Body: { transformToString: async () => text } };
      });
      for (let index = 1; index <= SHARDS; index += 1) {
        const shard = await runShard(index, path.join(scratch, `s3-shard-${index}`), ['--s3-uri', 's3://audit-reports/reports/shards/']);
        assert.notEqual(shard.code, 1, shard.stderr);
      }
      assert.deepEqual([...bucket.keys()].sort(), [1, 2, 3].map((index) => `reports/shards/2024/03/01/${RUN_TIMESTAMP}/iam_audit_${RUN_TIMESTAMP}_shard-${index}-of-3.json`));

      const merged = await run(['merge', '--from', 's3://audit-reports/reports/shards/', '--out-dir', path.join(scratch, 's3-merged')], {
        AUDIT_S3_URI: 's3://audit-reports/reports/',
        AUDIT_RUN_TIME: RUN_TIME,
      });
      assert.equal(merged.code, 2, merged.stderr);
      const expected = await filesOf(single.dir);
      for (const [name, body] of expected) {
        const key = name === 'history.json' ? 'reports/history.json' : `reports/2024/03/01/${RUN_NAME}/${name}`;
        // The workbook's sheets are compared by the local merge above; here it only has to be there.
        if (name.endsWith('.xlsx')) {
          assert.ok(bucket.has(key), `${key} uploaded`);
          continue;
        }
        assert.equal(normalised(name, bucket.get(key) ?? ''), normalised(name, body), `${key} differs`);
      }
    } finally {
      s3Mock.restore();
    }
  });

  describe('merge refuses parts that are not every shard of one run exactly once, writing nothing', () => {
    async function partsDir(name: string, indexes: number[]): Promise<string> {
      const dir = path.join(scratch, name);
      await mkdir(dir, { recursive: true });
      for (const index of indexes) {
        const file = `iam_audit_${RUN_TIMESTAMP}_shard-${index}-of-3.json`;
        await copyFile(path.join(shardsDir, file), path.join(dir, file));
      }
      return dir;
    }

    async function refused(argv: string[], message: RegExp): Promise<void> {
      const outDir = path.join(scratch, `out-${Math.random().toString(36).slice(2)}`);
      const result = await run(['merge', ...argv, '--out-dir', outDir]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, message);
      assert.deepEqual(await readdir(outDir).catch(() => []), [], 'nothing written');
    }

    it('a missing shard', async () => {
      await refused(['--from', await partsDir('missing', [1, 3])], new RegExp(`error: merge: shard 2/3 of run ${RUN_TIMESTAMP} is missing \\(found 1/3, 3/3\\)`));
    });

    it('a shard found twice', async () => {
      const a = await partsDir('twice-a', [1, 2, 3]);
      const b = await partsDir('twice-b', [2]);
      await refused(['--from', a, '--from', b], /error: merge: shard 2\/3 was found 2 times: .*twice-a.*twice-b/);
    });

    it('parts of different runs, unless one is chosen with --run-time', async () => {
      const dir = await partsDir('two-runs', [1, 2, 3]);
      const other = await runShard(1, dir, [], '2024-03-02T12:00:00.000Z');
      assert.notEqual(other.code, 1, other.stderr);
      await refused(['--from', dir], /error: merge: shard parts of 2 runs in .* \(20240301T120000Z, 20240302T120000Z\); choose one with --run-time/);
      const chosen = await run(['merge', '--from', dir, '--run-time', '2024-03-01T12:00:00Z', '--out-dir', path.join(scratch, 'chosen')]);
      assert.equal(chosen.code, 2, chosen.stderr);
      await refused(['--from', dir, '--run-time', '2024-03-02T12:00:00Z'], /error: merge: shards 2\/3, 3\/3 of run 20240302T120000Z are missing/);
    });

    it('a shard with another run time within the same second', async () => {
      const dir = await partsDir('other-time', [1, 2]);
      const late = await runShard(3, dir, [], '2024-03-01T12:00:00.500Z');
      assert.notEqual(late.code, 1, late.stderr);
      await refused(['--from', dir], /error: merge: shard 3\/3 \(.*\) differs from shard 1\/3 \(.*\) in run time \(startedAt\): "2024-03-01T12:00:00.500Z" instead of "2024-03-01T12:00:00.000Z"/);
    });

    it('parts made with another shard count', async () => {
      const dir = await partsDir('other-count', [1, 2, 3]);
      const other = await runShard(1, dir, [], RUN_TIME, 2);
      assert.notEqual(other.code, 1, other.stderr);
      await refused(['--from', dir], /error: merge: the parts were made with different shard counts: 2 \(.*shard-1-of-2.json\); 3 \(/);
    });

    it('a shard run with other filters', async () => {
      const dir = await partsDir('other-filters', [1, 2]);
      const other = await run(['--role', 'IamAudit', '--out-dir', dir, '--shard', '3/3', '--run-time', RUN_TIME]);
      assert.notEqual(other.code, 1, other.stderr);
      await refused(['--from', dir], /differs from shard 1\/3 .* in --exclude-accounts: null instead of \["777777777777"\]/);
    });

    it('a part whose content is not the shard its name says', async () => {
      const dir = await partsDir('renamed', [1, 2]);
      await copyFile(path.join(shardsDir, `iam_audit_${RUN_TIMESTAMP}_shard-1-of-3.json`), path.join(dir, `iam_audit_${RUN_TIMESTAMP}_shard-3-of-3.json`));
      await refused(['--from', dir], /its name says shard 3\/3 of run 20240301T120000Z, its content shard 1\/3/);
    });

    it('a whole run\'s report passed off as a part', async () => {
      const dir = await partsDir('not-a-part', []);
      const whole = await readFile(path.join(single.dir, `iam_audit_${RUN_NAME}.json`), 'utf8');
      await writeFile(path.join(dir, `iam_audit_${RUN_TIMESTAMP}_shard-1-of-1.json`), whole);
      await refused(['--from', dir], /not a shard's part \(it has no "shard" field\)/);
    });

    it('a location with no parts, and no --from at all', async () => {
      await refused(['--from', await partsDir('empty', [])], /error: merge: no shard parts \(iam_audit_<ts>_shard-<i>-of-<n>\.json\) in /);
      await refused([], /error: --from: name at least one directory or s3:\/\/ prefix/);
    });
  });
});
