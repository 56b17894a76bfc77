import { strict as assert } from 'assert';
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  IAMServiceException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { fetchCredentialReport, parseCredentialReport } from '../../../auditor/collectors/credential-report';

const mockIam = () => mockClient(IAMClient);

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

const ROOT_ROW =
  '<root_account>,arn:aws:iam::111122223333:root,2019-05-01T10:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,true,2019-06-01T00:00:00+00:00,2024-01-02T03:04:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const CONSOLE_USER_ROW =
  'alice,arn:aws:iam::111122223333:user/alice,2020-01-01T00:00:00+00:00,true,2024-03-01T08:30:00+00:00,2020-01-01T00:05:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const KEY_USER_ROW =
  'bob,arn:aws:iam::111122223333:user/team/bob,2018-02-03T04:05:06+00:00,false,N/A,N/A,N/A,true,true,2018-02-03T04:06:00+00:00,2024-02-01T00:00:00+00:00,eu-west-1,dynamodb,false,2021-07-07T07:07:07+00:00,N/A,N/A,N/A,true,2019-01-01T00:00:00+00:00,false,N/A';

function reportError(code: string, exceptionName: string): IAMServiceException {
  return new IAMServiceException({ name: exceptionName, $fault: 'client', $metadata: {}, message: `simulated ${code}` });
}

describe('parseCredentialReport', () => {
  it('reads the AWS format: root row, placeholders and +00:00 dates', () => {
    const rows = parseCredentialReport([HEADER, ROOT_ROW, CONSOLE_USER_ROW, KEY_USER_ROW].join('\n'));
    assert.equal(rows.length, 3);
    const [root, alice, bob] = rows;

    assert.equal(root.isRoot, true);
    assert.equal(root.passwordEnabled, null, 'not_supported is no answer');
    assert.equal(root.passwordLastUsed, null, 'no_information is no date');
    assert.deepEqual(root.accessKeys, [
      {
        slot: 1,
        active: true,
        lastRotated: '2019-06-01T00:00:00.000Z',
        lastUsedKnown: true,
        lastUsedDate: '2024-01-02T03:04:00.000Z',
        lastUsedRegion: 'us-east-1',
        lastUsedService: 's3',
      },
    ]);

    assert.equal(alice.isRoot, false);
    assert.equal(alice.passwordEnabled, true);
    assert.equal(alice.passwordLastUsed, '2024-03-01T08:30:00.000Z');
    assert.equal(alice.userCreationTime, '2020-01-01T00:00:00.000Z');
    assert.equal(alice.mfaActive, false);
    assert.deepEqual(alice.accessKeys, [], 'a user without keys has no key columns');

    assert.equal(bob.arn, 'arn:aws:iam::111122223333:user/team/bob');
    assert.equal(bob.passwordEnabled, false);
    assert.equal(bob.passwordLastUsed, null);
    assert.equal(bob.mfaActive, true);
    assert.equal(bob.signingCertificatesActive, true);
    assert.deepEqual(
      bob.accessKeys.map((key) => [key.slot, key.active, key.lastRotated, key.lastUsedKnown, key.lastUsedDate, key.lastUsedService]),
      [
        [1, true, '2018-02-03T04:06:00.000Z', true, '2024-02-01T00:00:00.000Z', 'dynamodb'],
        [2, false, '2021-07-07T07:07:07.000Z', true, null, null],
      ],
      'an inactive key is still a key; a never-used key has no last use',
    );
  });

  it('reads columns by name, whatever their order, and ignores columns it does not know', () => {
    const csv = ['extra_column,mfa_active,user,arn,password_enabled', 'x,true,carol,arn:aws:iam::1:user/carol,false', 'x,true,<root_account>,arn:aws:iam::1:root,not_supported'].join('\r\n');
    const [carol] = parseCredentialReport(csv);
    assert.equal(carol.user, 'carol');
    assert.equal(carol.mfaActive, true);
    assert.equal(carol.passwordEnabled, false);
    assert.equal(carol.userCreationTime, null, 'a missing column is no date');
    assert.deepEqual(carol.accessKeys, []);
  });

  it('does not crash on unexpected values', () => {
    const row = 'dave,arn:aws:iam::1:user/dave,yesterday,maybe,not-a-date,N/A,N/A,unknown,true,garbage,garbage,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
    const [dave] = parseCredentialReport(`${HEADER}\n${row}\n${ROOT_ROW}`);
    assert.equal(dave.userCreationTime, null);
    assert.equal(dave.passwordEnabled, null);
    assert.equal(dave.passwordLastUsed, null);
    assert.equal(dave.mfaActive, null, 'an unexpected value is no answer');
    assert.equal(dave.accessKeys.length, 1, 'an active key is kept even when its dates are unreadable');
    assert.equal(dave.accessKeys[0].lastRotated, null);
    assert.equal(dave.accessKeys[0].lastUsedKnown, false);
  });

  it('reads quoted names: IAM user names may contain commas', () => {
    const row = '"ops,eu",arn:aws:iam::1:user/"ops,eu",2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
    const quoted = row.replace('arn:aws:iam::1:user/"ops,eu"', '"arn:aws:iam::1:user/ops,eu"');
    const [user] = parseCredentialReport(`${HEADER}\n${quoted}\n${ROOT_ROW}`);
    assert.equal(user.user, 'ops,eu');
    assert.equal(user.arn, 'arn:aws:iam::1:user/ops,eu');
    assert.equal(user.passwordEnabled, true);
  });

  it('rejects a document that is not a credential report', () => {
    assert.throws(() => parseCredentialReport('name,value\nx,1'), /no "user" or "arn" column/);
  });

  it('refuses what is not a credential report instead of reading an account without users', () => {
    assert.throws(() => parseCredentialReport('garbage\n'), /no "user" or "arn" column/);
    assert.throws(() => parseCredentialReport(''), /the credential report is empty/);
    assert.throws(() => parseCredentialReport('\n\n'), /the credential report is empty/);
    assert.throws(() => parseCredentialReport('<!DOCTYPE html><html><body>Sign in</body></html>\n'), /no "user" or "arn" column/);
    assert.throws(() => parseCredentialReport(`${HEADER}\n`), /0 <root_account> rows, not exactly one/);
    assert.throws(() => parseCredentialReport([HEADER, CONSOLE_USER_ROW].join('\n')), /0 <root_account> rows/);
    assert.throws(() => parseCredentialReport([HEADER, ROOT_ROW, ROOT_ROW, CONSOLE_USER_ROW].join('\n')), /2 <root_account> rows/);
  });
});

describe('fetchCredentialReport', () => {
  let iamMock: ReturnType<typeof mockIam>;
  const iam = new IAMClient({ region: 'us-east-1' });
  const reportContent = new TextEncoder().encode([HEADER, ROOT_ROW, CONSOLE_USER_ROW].join('\n'));
  let sleeps: number[];
  const sleep = async (milliseconds: number): Promise<void> => {
    sleeps.push(milliseconds);
  };

  before(() => {
    iamMock = mockIam();
  });
  after(() => iamMock.restore());
  beforeEach(() => {
    iamMock.reset();
    sleeps = [];
  });

  it('waits out a report being generated, then downloads and parses it', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves({
      Content: reportContent,
      ReportFormat: 'text/csv',
      GeneratedTime: new Date('2024-05-05T05:05:05Z'),
    });

    const report = await fetchCredentialReport(iam, { sleep });

    assert.equal(iamMock.commandCalls(GenerateCredentialReportCommand).length, 3);
    assert.equal(iamMock.commandCalls(GetCredentialReportCommand).length, 1);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[1] >= sleeps[0], 'backs off');
    assert.equal(report.generatedTime, '2024-05-05T05:05:05.000Z');
    assert.deepEqual(report.rows.map((row) => row.user), ['<root_account>', 'alice']);
  });

  it('waits out ReportInProgress and regenerates after ReportNotPresent', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock
      .on(GetCredentialReportCommand)
      .rejectsOnce(reportError('ReportInProgress', 'CredentialReportNotReadyException'))
      .rejectsOnce(reportError('ReportNotPresent', 'CredentialReportNotPresentException'))
      .resolves({ Content: reportContent });

    const report = await fetchCredentialReport(iam, { sleep });

    assert.equal(report.rows.length, 2);
    assert.equal(iamMock.commandCalls(GetCredentialReportCommand).length, 3);
    assert.equal(iamMock.commandCalls(GenerateCredentialReportCommand).length, 2, 'generated again after ReportNotPresent');
    assert.equal(sleeps.length, 1, 'only ReportInProgress needs a wait');
    assert.equal(report.generatedTime, null);
  });

  it('backs off longer and longer on LimitExceeded', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .rejectsOnce(reportError('LimitExceeded', 'LimitExceededException'))
      .rejectsOnce(reportError('LimitExceeded', 'LimitExceededException'))
      .rejectsOnce(reportError('LimitExceeded', 'LimitExceededException'))
      .resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves({ Content: reportContent });

    await fetchCredentialReport(iam, { sleep });

    assert.equal(sleeps.length, 3);
    assert.ok(sleeps[0] >= 1000, `first back-off ${sleeps[0]} ms`);
    assert.ok(sleeps[0] < sleeps[1] && sleeps[1] < sleeps[2], `back-offs ${sleeps}`);
  });

  it('recognises errors by their wire code too', async () => {
    const inProgress = Object.assign(new Error('not ready'), { name: 'Error', Code: 'ReportInProgress' });
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).rejectsOnce(inProgress).resolves({ Content: reportContent });

    await fetchCredentialReport(iam, { sleep });

    assert.equal(sleeps.length, 1);
  });

  it('gives up after a bounded number of attempts with a clear error', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });

    await assert.rejects(fetchCredentialReport(iam, { sleep, maxAttempts: 4 }), /not ready after 4 attempts \(last state: INPROGRESS\)/);
    assert.equal(iamMock.commandCalls(GenerateCredentialReportCommand).length, 4);
    assert.equal(iamMock.commandCalls(GetCredentialReportCommand).length, 0);
  });

  it('passes on an access denial at once', async () => {
    const denied = Object.assign(new Error('not authorized to perform iam:GenerateCredentialReport'), { name: 'AccessDenied' });
    iamMock.on(GenerateCredentialReportCommand).rejects(denied);

    await assert.rejects(fetchCredentialReport(iam, { sleep }), /not authorized/);
    assert.equal(iamMock.commandCalls(GenerateCredentialReportCommand).length, 1);
    assert.deepEqual(sleeps, []);
  });
});
