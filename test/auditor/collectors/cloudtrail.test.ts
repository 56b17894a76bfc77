import { strict as assert } from 'assert';
import { CloudTrailClient, LookupEventsCommand, type Event, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { collectRemediationEvents, REMEDIATION_EVENT_NAMES } from '../../../auditor/collectors/cloudtrail';
import type { Clock } from '../../../auditor/aws/rate-limit';

const mockCloudTrail = () => mockClient(CloudTrailClient);

// Installed for this file's suite only: other suites use real clients.
let cloudTrailMock: ReturnType<typeof mockCloudTrail>;
const cloudTrail = new CloudTrailClient({ region: 'us-east-1' });
const WINDOW = { startTime: new Date('2024-03-01T00:00:00Z'), endTime: new Date('2024-06-01T00:00:00Z') };

function fakeClock(): Clock {
  let time = 0;
  return {
    now: () => time,
    sleep: async (milliseconds) => {
      time += milliseconds;
    },
  };
}

let nextId = 0;
function iamEvent(name: string, time: string, extra: { username?: string; resources?: string[]; detail?: object | string } = {}): Event {
  nextId += 1;
  const detail = extra.detail ?? {
    eventSource: 'iam.amazonaws.com',
    eventName: name,
    sourceIPAddress: '198.51.100.7',
    userIdentity: { type: 'IAMUser', userName: extra.username ?? 'admin' },
  };
  return {
    EventId: `event-${String(nextId).padStart(4, '0')}`,
    EventName: name,
    EventTime: new Date(time),
    EventSource: 'iam.amazonaws.com',
    Username: extra.username ?? 'admin',
    Resources: (extra.resources ?? []).map((resourceName) => ({ ResourceName: resourceName, ResourceType: 'AWS::IAM::User' })),
    CloudTrailEvent: typeof detail === 'string' ? detail : JSON.stringify(detail),
  };
}

function consoleLogin(time: string, identityType: string, outcome: string, username: string): Event {
  nextId += 1;
  return {
    EventId: `login-${String(nextId).padStart(4, '0')}`,
    EventName: 'ConsoleLogin',
    EventTime: new Date(time),
    EventSource: 'signin.amazonaws.com',
    Username: username,
    CloudTrailEvent: JSON.stringify({
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      sourceIPAddress: '203.0.113.9',
      userIdentity: { type: identityType },
      responseElements: { ConsoleLogin: outcome },
    }),
  };
}

/** Serves events by lookup attribute, `pageSize` a page, and records when each call started. */
function serveEvents(bySource: Event[], loginEvents: Event[], pageSize: number, clock?: Clock): number[] {
  const callTimes: number[] = [];
  cloudTrailMock.on(LookupEventsCommand).callsFake((input: LookupEventsCommandInput) => {
    callTimes.push(clock ? clock.now() : 0);
    const [attribute] = input.LookupAttributes ?? [];
    assert.equal(input.LookupAttributes?.length, 1);
    assert.deepEqual([input.StartTime, input.EndTime], [WINDOW.startTime, WINDOW.endTime]);
    const events =
      attribute.AttributeKey === 'EventSource' && attribute.AttributeValue === 'iam.amazonaws.com'
        ? bySource
        : attribute.AttributeKey === 'EventName' && attribute.AttributeValue === 'ConsoleLogin'
          ? loginEvents
          : attribute.AttributeKey === 'EventName'
            ? bySource.filter((event) => event.EventName === attribute.AttributeValue)
            : [];
    const start = input.NextToken ? Number(input.NextToken.split(':')[1]) : 0;
    const end = start + pageSize;
    return {
      Events: events.slice(start, end),
      NextToken: end < events.length ? `${attribute.AttributeValue}:${end}` : undefined,
    };
  });
  return callTimes;
}

const options = { accountId: '111122223333', accountName: 'prod', ...WINDOW };

describe('collectRemediationEvents', () => {
  before(() => {
    cloudTrailMock = mockCloudTrail();
  });
  after(() => cloudTrailMock.restore());
  beforeEach(() => cloudTrailMock.reset());

  it('keeps only remediation events and successful root sign-ins, sorted by time', async () => {
    serveEvents(
      [
        iamEvent('ListUsers', '2024-04-01T00:00:00Z'),
        iamEvent('DeleteAccessKey', '2024-05-02T00:00:00Z', { resources: ['AKIAOLD0000000000001', 'bob'] }),
        iamEvent('CreateAccessKey', '2024-04-02T00:00:00Z', { resources: ['bob'] }),
        iamEvent('AttachUserPolicy', '2024-04-03T00:00:00Z'),
        iamEvent('EnableMFADevice', '2024-04-04T00:00:00Z', { username: 'bob', resources: ['arn:aws:iam::111122223333:mfa/bob'] }),
        iamEvent('CreateUser', '2024-04-05T00:00:00Z', {
          detail: { eventSource: 'iam.amazonaws.com', errorCode: 'AccessDenied', userIdentity: { type: 'IAMUser' } },
        }),
      ],
      [
        consoleLogin('2024-04-10T00:00:00Z', 'Root', 'Success', 'root'),
        consoleLogin('2024-04-11T00:00:00Z', 'Root', 'Failure', 'root'),
        consoleLogin('2024-04-12T00:00:00Z', 'IAMUser', 'Success', 'alice'),
      ],
      50,
    );

    const events = await collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() });

    assert.deepEqual(
      events.map((event) => [event.eventTime, event.eventName, event.username]),
      [
        ['2024-04-02T00:00:00.000Z', 'CreateAccessKey', 'admin'],
        ['2024-04-04T00:00:00.000Z', 'EnableMFADevice', 'bob'],
        ['2024-04-10T00:00:00.000Z', 'ConsoleLogin', 'root'],
        ['2024-05-02T00:00:00.000Z', 'DeleteAccessKey', 'admin'],
      ],
    );
    const deletion = events[3];
    assert.deepEqual(deletion.resources, ['AKIAOLD0000000000001', 'bob']);
    assert.equal(deletion.sourceIPAddress, '198.51.100.7');
    assert.equal(deletion.eventSource, 'iam.amazonaws.com');
    assert.equal(deletion.accountId, '111122223333');
    assert.equal(deletion.accountName, 'prod');
    assert.equal(events[2].eventSource, 'signin.amazonaws.com');
    assert.equal(events[2].sourceIPAddress, '203.0.113.9');
  });

  it('keeps the status an UpdateAccessKey set, and a deleted virtual MFA device', async () => {
    const update = (time: string, status: unknown) =>
      iamEvent('UpdateAccessKey', time, {
        detail: { eventSource: 'iam.amazonaws.com', eventName: 'UpdateAccessKey', userIdentity: { type: 'IAMUser', userName: 'admin' }, requestParameters: { userName: 'bob', accessKeyId: 'AKIABOB', status } },
      });
    serveEvents(
      [
        update('2024-04-01T00:00:00Z', 'Inactive'),
        update('2024-04-02T00:00:00Z', 'Active'),
        update('2024-04-03T00:00:00Z', 'Sideways'),
        iamEvent('DeleteVirtualMFADevice', '2024-04-04T00:00:00Z', { resources: ['arn:aws:iam::111122223333:mfa/bob'] }),
      ],
      [],
      50,
    );

    const events = await collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() });

    assert.deepEqual(
      events.map((event) => [event.eventName, event.accessKeyStatus]),
      [
        ['UpdateAccessKey', 'Inactive'],
        ['UpdateAccessKey', 'Active'],
        ['UpdateAccessKey', undefined],
        ['DeleteVirtualMFADevice', undefined],
      ],
    );
    assert.ok(!('accessKeyStatus' in events[3]), 'only an UpdateAccessKey carries a status');
  });

  it('pages every lookup to the end', async () => {
    const many = Array.from({ length: 12 }, (_, index) =>
      iamEvent(index % 2 === 0 ? 'CreateUser' : 'GetUser', `2024-04-${String(index + 1).padStart(2, '0')}T00:00:00Z`),
    );
    const logins = Array.from({ length: 5 }, (_, index) => consoleLogin(`2024-05-0${index + 1}T00:00:00Z`, 'Root', 'Success', 'root'));
    serveEvents(many, logins, 3);

    const events = await collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() });

    assert.equal(events.filter((event) => event.eventName === 'CreateUser').length, 6);
    assert.equal(events.filter((event) => event.eventName === 'ConsoleLogin').length, 5);
    assert.equal(cloudTrailMock.commandCalls(LookupEventsCommand).length, 4 + 2);
    for (const call of cloudTrailMock.commandCalls(LookupEventsCommand)) {
      assert.ok((call.args[0].input.MaxResults ?? 0) <= 50);
    }
  });

  it('looks remediation events up by name once the IAM history proves long', async () => {
    // Newest first, as CloudTrail answers: 40 read-only calls, then the remediation events.
    const readOnly = Array.from({ length: 40 }, (_, index) => iamEvent('GetUser', `2024-05-${String((index % 28) + 1).padStart(2, '0')}T00:00:00Z`));
    const older = [
      iamEvent('DeleteAccessKey', '2024-04-02T00:00:00Z'),
      iamEvent('CreateAccessKey', '2024-04-01T00:00:00Z'),
      iamEvent('CreateUser', '2024-03-31T00:00:00Z'),
    ];
    serveEvents([iamEvent('DeactivateMFADevice', '2024-05-30T00:00:00Z'), ...readOnly, ...older], [], 3);

    const events = await collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() });

    assert.deepEqual(events.map((event) => event.eventName), ['CreateUser', 'CreateAccessKey', 'DeleteAccessKey', 'DeactivateMFADevice']);
    const lookups = cloudTrailMock.commandCalls(LookupEventsCommand).map((call) => call.args[0].input.LookupAttributes?.[0]);
    assert.equal(lookups.filter((attribute) => attribute?.AttributeKey === 'EventSource').length, 10, 'the source lookup stops after its page budget');
    assert.deepEqual(
      [...new Set(lookups.filter((attribute) => attribute?.AttributeKey === 'EventName').map((attribute) => attribute?.AttributeValue))].sort(),
      [...REMEDIATION_EVENT_NAMES].sort(),
    );
  });

  it('reads a short IAM history by source alone', async () => {
    serveEvents([iamEvent('CreateUser', '2024-04-01T00:00:00Z'), iamEvent('GetUser', '2024-04-02T00:00:00Z')], [], 50);

    await collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() });

    const lookups = cloudTrailMock.commandCalls(LookupEventsCommand).map((call) => call.args[0].input.LookupAttributes?.[0]?.AttributeValue);
    assert.deepEqual(lookups.sort(), ['ConsoleLogin', 'iam.amazonaws.com']);
  });

  it('makes at most 2 calls per second, the first two at once', async () => {
    const clock = fakeClock();
    const many = Array.from({ length: 10 }, (_, index) => iamEvent('CreateUser', `2024-04-${String(index + 1).padStart(2, '0')}T00:00:00Z`));
    const callTimes = serveEvents(many, [consoleLogin('2024-04-10T00:00:00Z', 'Root', 'Success', 'root')], 2, clock);

    await collectRemediationEvents(cloudTrail, { ...options, clock });

    assert.equal(callTimes.length, 5 + 1);
    assert.deepEqual(callTimes.slice(0, 2), [0, 0]);
    for (let index = 2; index < callTimes.length; index += 1) {
      assert.ok(callTimes[index] - callTimes[index - 2] >= 1000, `calls at ${callTimes}`);
    }
    assert.equal(callTimes[callTimes.length - 1], 2000, 'no slower than needed');
  });

  it('keeps an event whose JSON is malformed with what is known', async () => {
    serveEvents(
      [iamEvent('DeleteUser', '2024-04-01T00:00:00Z', { username: 'admin', resources: ['mallory'], detail: '{"eventSource": "iam.amaz' })],
      [
        { ...consoleLogin('2024-04-02T00:00:00Z', 'Root', 'Success', 'root'), CloudTrailEvent: 'not json' },
        { ...consoleLogin('2024-04-03T00:00:00Z', 'IAMUser', 'Success', 'alice'), CloudTrailEvent: '[]' },
      ],
      50,
    );

    const events = await collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() });

    assert.deepEqual(
      events.map((event) => [event.eventName, event.username, event.resources, event.eventSource, event.sourceIPAddress]),
      [
        ['DeleteUser', 'admin', ['mallory'], 'iam.amazonaws.com', ''],
        ['ConsoleLogin', 'root', [], 'signin.amazonaws.com', ''],
      ],
    );
  });

  it('calls the root user root whatever the event history names it', async () => {
    serveEvents(
      [
        iamEvent('DeleteAccessKey', '2024-04-01T00:00:00Z', {
          username: '111122223333',
          detail: { eventSource: 'iam.amazonaws.com', sourceIPAddress: '192.0.2.1', userIdentity: { type: 'Root' } },
        }),
      ],
      [],
      50,
    );

    const [event] = await collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() });

    assert.equal(event.username, 'root');
  });

  it('throws when a lookup fails, so the caller can mark the account partial', async () => {
    cloudTrailMock.on(LookupEventsCommand).rejects(Object.assign(new Error('not authorized to perform cloudtrail:LookupEvents'), { name: 'AccessDeniedException' }));

    await assert.rejects(collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() }), /not authorized/);
  });

  it('stops on a page token that repeats instead of looping forever', async () => {
    cloudTrailMock.on(LookupEventsCommand).resolves({ Events: [], NextToken: 'same' });

    await assert.rejects(collectRemediationEvents(cloudTrail, { ...options, clock: fakeClock() }), /same page token twice/);
  });

  it('names every event the timeline can hold', () => {
    assert.deepEqual([...REMEDIATION_EVENT_NAMES].sort(), [
      'ConsoleLogin',
      'CreateAccessKey',
      'CreateLoginProfile',
      'CreateUser',
      'DeactivateMFADevice',
      'DeleteAccessKey',
      'DeleteLoginProfile',
      'DeleteUser',
      'DeleteVirtualMFADevice',
      'EnableMFADevice',
      'UpdateAccessKey',
    ]);
  });
});
