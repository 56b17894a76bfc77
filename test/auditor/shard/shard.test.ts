// The shard slices, the --shard and --run-time flags, and merging parts as data.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientFactory } from '../../../auditor/aws/clients';
import { main } from '../../../auditor/cli/audit-command';
import { parseShard } from '../../../auditor/cli/audit-config';
import { ConfigError, MAX_RUN_TIME_AHEAD_MS, parseRunTime, type Environment } from '../../../auditor/values/parsers';
import { SCHEMA_VERSION, type AccountAudit, type AuditRun } from '../../../auditor/model';
import { findPreviousRunKey } from '../../../auditor/publish/previous-run';
import { MAX_SHARD_COUNT } from '../../../auditor/values/run-limits';
import { accountsOfShard, parseShardReportName, shardOfAccount, shardReportFileName } from '../../../auditor/shard/shard';
import { mergeShardParts, parseShardPart, ShardMergeError, type ShardPart } from '../../../auditor/shard/shard-merge';

/** `count` distinct 12-digit ids. */
function accountIds(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, index) => String(100000000000 + offset + index * 7919));
}

describe('shard slices', () => {
  it('puts every account in exactly one shard, for every count', () => {
    const ids = accountIds(500);
    for (const count of [1, 2, 3, 7, 16, MAX_SHARD_COUNT]) {
      const slices = Array.from({ length: count }, (_, i) => accountsOfShard(ids.map((id) => ({ id })), { index: i + 1, count }).map((account) => account.id));
      assert.deepEqual(slices.flat().sort(), [...ids].sort(), `count ${count}`);
      for (const id of ids) {
        const shard = shardOfAccount(id, count);
        assert.ok(Number.isInteger(shard) && shard >= 1 && shard <= count);
      }
    }
  });

  it('moves no account when others join or leave the organization', () => {
    const before = accountIds(300);
    const joined = accountIds(50, 3);
    const after = [...before.slice(100), ...joined];
    for (const count of [3, 10]) {
      const sliceBefore = (index: number) => new Set(accountsOfShard(before.map((id) => ({ id })), { index, count }).map((account) => account.id));
      const sliceAfter = (index: number) => accountsOfShard(after.map((id) => ({ id })), { index, count }).map((account) => account.id);
      for (let index = 1; index <= count; index += 1) {
        const kept = sliceAfter(index).filter((id) => before.includes(id));
        assert.ok(kept.length > 0);
        assert.ok(kept.every((id) => sliceBefore(index).has(id)), `an account moved into shard ${index}/${count}`);
      }
    }
  });

  it('depends on the account id only, not on its place in the listing', () => {
    const ids = accountIds(40);
    const reversed = [...ids].reverse();
    assert.deepEqual(ids.map((id) => shardOfAccount(id, 4)), reversed.map((id) => shardOfAccount(id, 4)).reverse());
    // Pinned: a change of the hash would move every account between releases and break merges of mixed versions.
    assert.deepEqual(['111111111111', '222222222222', '888888888888'].map((id) => shardOfAccount(id, 3)), [3, 3, 1]);
  });

  it('spreads a large organization roughly evenly', () => {
    const ids = accountIds(3000);
    const sizes = Array.from({ length: 10 }, (_, i) => accountsOfShard(ids.map((id) => ({ id })), { index: i + 1, count: 10 }).length);
    assert.ok(sizes.every((size) => size > 240 && size < 360), `sizes ${sizes.join(', ')}`);
  });

  it('names parts so that they are never taken for a whole run\'s report', () => {
    const name = shardReportFileName('20240301T120000Z', { index: 2, count: 5 });
    assert.equal(name, 'iam_audit_20240301T120000Z_shard-2-of-5.json');
    assert.deepEqual(parseShardReportName(`reports/shards/2024/03/01/20240301T120000Z/${name}`), { runTimestamp: '20240301T120000Z', index: 2, count: 5 });
    assert.equal(parseShardReportName('iam_audit_20240301T120000Z.json'), null);
  });

  it('keeps parts out of the search for the previous run in the bucket', async () => {
    const s3Mock = mockClient(S3Client);
    try {
      s3Mock.on(ListObjectsV2Command).resolves({
        Contents: [
          { Key: 'reports/2024/02/23/20240223T060000Z/iam_audit_20240223T060000Z.json' },
          { Key: 'reports/shards/2024/03/01/20240301T060000Z/iam_audit_20240301T060000Z_shard-1-of-3.json' },
        ],
      });
      const key = await findPreviousRunKey(new S3Client({ region: 'us-east-1' }), { bucket: 'b', prefix: 'reports' }, '20240308T060000Z');
      assert.equal(key, 'reports/2024/02/23/20240223T060000Z/iam_audit_20240223T060000Z.json');
    } finally {
      s3Mock.restore();
    }
  });
});

describe('--shard and --run-time values', () => {
  it('reads i/n and refuses anything else, naming the source', () => {
    assert.deepEqual(parseShard('2/5', '--shard'), { index: 2, count: 5 });
    assert.deepEqual(parseShard(' 1/1 ', 'AUDIT_SHARD'), { index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '3', '1/3/5', 'a/b', '-1/3', '1.5/3', '', `1/${MAX_SHARD_COUNT + 1}`]) {
      assert.throws(() => parseShard(bad, 'AUDIT_SHARD'), (error: unknown) => error instanceof ConfigError && error.message.startsWith('AUDIT_SHARD: expected <i>/<n>'), bad);
    }
  });

  it('reads an ISO-8601 time with a zone and refuses one in the future', () => {
    const clock = () => new Date('2024-03-01T12:00:00Z');
    assert.equal(parseRunTime('2024-03-01T06:00:00Z', '--run-time', clock).toISOString(), '2024-03-01T06:00:00.000Z');
    assert.equal(parseRunTime('2024-03-01T08:00:00.123+02:00', '--run-time', clock).toISOString(), '2024-03-01T06:00:00.123Z');
    // Step Functions' $$.Execution.StartTime, a little ahead of this task's clock.
    assert.equal(parseRunTime(new Date(clock().getTime() + MAX_RUN_TIME_AHEAD_MS).toISOString(), '--run-time', clock).getTime(), clock().getTime() + MAX_RUN_TIME_AHEAD_MS);
    for (const bad of ['2024-03-01', '2024-03-01T06:00:00', 'yesterday', '1709280000']) {
      assert.throws(() => parseRunTime(bad, 'AUDIT_RUN_TIME', clock), /^ConfigError: AUDIT_RUN_TIME: expected an ISO-8601 time with a zone/, bad);
    }
    assert.throws(() => parseRunTime('2024-13-01T00:00:00Z', 'AUDIT_RUN_TIME', clock), /^ConfigError: AUDIT_RUN_TIME: "2024-13-01T00:00:00Z" is not a real date and time/);
    assert.throws(() => parseRunTime('2024-03-01T12:06:00Z', '--run-time', clock), /--run-time: 2024-03-01T12:06:00Z is in the future/);
  });
});

describe('--shard and --run-time on the command line', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-shard-cli-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function usage(argv: string[], env: Environment = {}): Promise<{ code: number; stderr: string; clients: number }> {
    let stderr = '';
    let clients = 0;
    const code = await main(['--role', 'Audit', '--out-dir', path.join(scratch, 'out'), ...argv], {
      env,
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      clientFactory: (): AwsClientFactory => {
        clients += 1;
        throw new Error('no AWS for a usage error');
      },
    });
    return { code, stderr, clients };
  }

  const RUN_TIME = ['--run-time', '2024-03-01T12:00:00Z'];
  const cases: { name: string; argv: string[]; env?: Environment; message: RegExp }[] = [
    { name: 'shard 0', argv: ['--shard', '0/3', ...RUN_TIME], message: /option '--shard <i\/n>' argument '0\/3' is invalid\. Expected <i>\/<n> with 1 <= i <= n <= 100/ },
    { name: 'a shard beyond the count', argv: ['--shard', '4/3', ...RUN_TIME], message: /'--shard <i\/n>' argument '4\/3' is invalid/ },
    { name: 'too many shards', argv: ['--shard', '1/101', ...RUN_TIME], message: /'--shard <i\/n>' argument '1\/101' is invalid/ },
    { name: 'a shard without a count', argv: ['--shard', '2', ...RUN_TIME], message: /'--shard <i\/n>' argument '2' is invalid/ },
    { name: 'a bad AUDIT_SHARD', argv: RUN_TIME, env: { AUDIT_SHARD: '3/2' }, message: /AUDIT_SHARD: expected <i>\/<n> with 1 <= i <= n <= 100 \(e\.g\. 2\/5\), got "3\/2"/ },
    { name: 'a shard without a run time', argv: ['--shard', '1/3'], message: /--shard: give every shard of the run the same --run-time \(or AUDIT_RUN_TIME\)/ },
    { name: 'a run time without a zone', argv: ['--run-time', '2024-03-01T12:00:00'], message: /'--run-time <iso>' argument '2024-03-01T12:00:00' is invalid\. Expected an ISO-8601 time with a zone/ },
    { name: 'a run time in the future', argv: ['--run-time', '2999-01-01T00:00:00Z'], message: /'--run-time <iso>' argument '2999-01-01T00:00:00Z' is invalid\. 2999-01-01T00:00:00Z is in the future/ },
    { name: 'a bad AUDIT_RUN_TIME', argv: [], env: { AUDIT_RUN_TIME: 'now' }, message: /AUDIT_RUN_TIME: expected an ISO-8601 time with a zone/ },
    { name: 'merge flags given to the audit', argv: ['--from', 'parts'], message: /unknown option '--from'/ },
    { name: 'audit flags before merge', argv: ['merge', '--from', 'parts'], message: /error: --role, --out-dir: give merge's flags after "merge" \(the flags before it are the audit's\)/ },
    {
      name: 'report flags given to a shard',
      argv: ['--shard', '1/3', ...RUN_TIME, '--fail-on', 'high', '--key-max-age-days', '30'],
      message: /error: --key-max-age-days, --fail-on: not used by a shard; give them to merge, which reports the whole run/,
    },
  ];
  for (const testCase of cases) {
    it(`exits 1 naming the flag for ${testCase.name}, sending nothing to AWS`, async () => {
      const result = await usage(testCase.argv, testCase.env);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, testCase.message);
      assert.equal(result.clients, 0);
    });
  }

  it('lists merge in --help, and merge its own flags', async () => {
    let stdout = '';
    const io = { env: {}, stdout: (text: string) => (stdout += text), stderr: () => undefined };
    assert.equal(await main(['--help'], io), 0);
    assert.match(stdout, /--shard <i\/n>/);
    assert.match(stdout, /--run-time <iso>/);
    assert.match(stdout, /merge \[options\]/);
    stdout = '';
    assert.equal(await main(['merge', '--help'], io), 0);
    for (const flag of ['--from <location...>', '--run-time <iso>', '--out-dir', '--s3-uri', '--fail-on', '--sns-topic-arn', '--compare']) assert.ok(stdout.includes(flag), flag);
  });
});

function audit(id: string): AccountAudit {
  return {
    account: { id, name: `account ${id}`, state: 'ACTIVE', isManagementAccount: false },
    coverage: { accountId: id, accountName: `account ${id}`, state: 'ACTIVE', audited: 'yes', errors: [], skipped: null, userSource: 'credential-report' },
    users: [],
    root: null,
    events: [],
  };
}

function parts(ids: string[], count: number): ShardPart[] {
  return Array.from({ length: count }, (_, i): ShardPart => {
    const shard = { index: i + 1, count, accountIds: ids, includeAccounts: null, excludeAccounts: null };
    const run: AuditRun = {
      schemaVersion: SCHEMA_VERSION,
      runTimestamp: '20240301T120000Z',
      startedAt: '2024-03-01T12:00:00.000Z',
      finishedAt: `2024-03-01T12:0${i + 1}:00.000Z`,
      partition: 'aws',
      managementAccountId: ids[0],
      roleName: 'Audit',
      cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 },
      accounts: accountsOfShard(ids.map((id) => ({ id })), shard).map((account) => audit(account.id)),
    };
    return { source: `part-${i + 1}.json`, run, shard };
  });
}

describe('mergeShardParts', () => {
  const ids = accountIds(30);

  it('rebuilds the run in listing order with the latest finishedAt and no shard tag', () => {
    const merged = mergeShardParts(parts(ids, 4).reverse());
    assert.deepEqual(merged.accounts.map((entry) => entry.account.id), ids);
    assert.equal(merged.finishedAt, '2024-03-01T12:04:00.000Z');
    assert.equal('shard' in merged, false);
  });

  it('refuses a part holding an account of another slice', () => {
    const split = parts(ids, 3);
    const stray = split[1].run.accounts[0];
    split[0].run.accounts.push(stray);
    assert.throws(() => mergeShardParts(split), (error: unknown) => error instanceof ShardMergeError && /shard 1\/3 \(part-1\.json\) does not hold exactly the accounts of its slice \(only in the second: \d{12}\)/.test(error.message));
  });

  it('refuses shards that saw different organization listings', () => {
    const split = parts(ids, 3);
    split[2].shard = { ...split[2].shard, accountIds: [...ids, '999999999999'] };
    assert.throws(() => mergeShardParts(split), /shard 3\/3 \(part-3\.json\) saw another organization listing than shard 1\/3 \(part-1\.json\) \(only in the second: 999999999999\)/);
  });

  it('refuses shards with other audit settings', () => {
    const split = parts(ids, 2);
    split[1].run.roleName = 'OtherRole';
    assert.throws(() => mergeShardParts(split), /shard 2\/2 \(part-2\.json\) differs from shard 1\/2 \(part-1\.json\) in audit role: "OtherRole" instead of "Audit"/);
    const cloudTrail = parts(ids, 2);
    cloudTrail[1].run.cloudTrail = { enabled: true, region: 'us-east-1', sinceDays: 30 };
    assert.throws(() => mergeShardParts(cloudTrail), /in CloudTrail settings/);
  });

  it('refuses nothing to merge', () => {
    assert.throws(() => mergeShardParts([]), /no shard parts to merge/);
  });
});

describe('parseShardPart', () => {
  const [part] = parts(accountIds(6), 2);
  const text = (change: (report: Record<string, unknown>) => void): string => {
    const report: Record<string, unknown> = JSON.parse(JSON.stringify({ ...part.run, shard: part.shard, summary: {} }));
    change(report);
    return JSON.stringify(report);
  };

  it('reads a part back to the run and its tag, without the slice\'s summary', () => {
    const read = parseShardPart(text(() => undefined), 'p.json');
    assert.deepEqual(read.run, part.run);
    assert.deepEqual(read.shard, part.shard);
    assert.equal('summary' in read.run, false);
  });

  it('refuses what is not a part of this auditor, naming the file', () => {
    const cases: Array<[(report: Record<string, unknown>) => void, RegExp]> = [
      [(report) => delete report.shard, /^p\.json: not a shard's part \(it has no "shard" field\)/],
      [(report) => (report.schemaVersion = SCHEMA_VERSION + 1), new RegExp(`^p\\.json: schemaVersion ${SCHEMA_VERSION + 1} cannot be merged by this auditor \\(schemaVersion ${SCHEMA_VERSION}\\)`)],
      [(report) => (report.shard = { ...part.shard, index: 3 }), /^p\.json: shard\.index and shard\.count should be whole numbers with 1 <= index <= count/],
      [(report) => (report.shard = { ...part.shard, accountIds: 'all' }), /^p\.json: shard\.accountIds should be a list of account ids/],
      [(report) => (report.finishedAt = 5), /^p\.json: finishedAt, partition, managementAccountId, roleName and cloudTrail should be/],
      [(report) => (report.accounts = [{}]), /^p\.json: accounts\[0\]\.account should be an object/],
    ];
    for (const [change, message] of cases) assert.throws(() => parseShardPart(text(change), 'p.json'), (error: unknown) => error instanceof ShardMergeError && message.test(error.message), String(message));
    assert.throws(() => parseShardPart('{', 'p.json'), /^ShardMergeError: p\.json: not JSON/);
  });
});
