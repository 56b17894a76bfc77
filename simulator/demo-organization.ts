// The organization `npm run demo` audits: small enough to read in a minute, with every kind of
// finding the auditor reports (keys past rotation and far past it, keys never used, a user with two
// active keys, console users without MFA, unused passwords, every MFA device type, root with an
// access key and root without MFA), an account whose audit role is missing, one audited only in
// part, a suspended one, CloudTrail events that show remediation, and a little throttling that the
// SDK's retries absorb. Dates are relative to the run, so the findings stay the same whenever it runs.
// A later run finds the organization moved on (`{ later: true }`): a key rotated, MFA enabled, a
// new user, each with its CloudTrail event, so the comparison with the first run shows a change.
// The auditor itself runs as a role session in the management account, as the deployment's
// Fargate task does with its task role: no IAM user and no long-lived key of its own.
import { DEFAULT_AUDIT_ROLE_NAME } from '../auditor/values/audit-role';
import { SimulatedOrganization, type SimulatedCaller, type SimulatedEventSpec, type SimulatedUserSpec } from './simulated-aws';

/** The deployment's audit role, which the command assumes by default. */
export const DEMO_ROLE_NAME = DEFAULT_AUDIT_ROLE_NAME;
/** The auditor's own credentials: a session of the task role, named after the task as ECS names it. */
export const DEMO_CALLER: SimulatedCaller = { role: 'auditor-task-role', session: '5f3c9a0e2b7d4e61a8c2d9f0b1e4a7c3' };
export const DEMO_ACCOUNTS = {
  management: '111111111111',
  paymentsProd: '222222222222',
  paymentsStaging: '333333333333',
  dataLake: '444444444444',
  sandbox: '555555555555',
  legacy: '666666666666',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The demo's exemptions file (see docs/findings.md#exemptions): one entry that mutes the sealed
 * break-glass user's findings for half a year, and one that ran out ten days ago and is reported.
 */
export function demoExemptionsYaml(now: Date = new Date()): string {
  const day = (offset: number): string => new Date(now.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
  return [
    'exemptions:',
    `  - account: "${DEMO_ACCOUNTS.management}"`,
    '    user: break-glass',
    '    rule: "*"',
    '    reason: Sealed break-glass user, its password kept in the safe',
    `    expires: ${day(180)}`,
    `  - account: "${DEMO_ACCOUNTS.paymentsStaging}"`,
    '    user: svc-ci',
    '    rule: access-key-never-used',
    '    reason: Key of the CI migration, to be deleted once it is done',
    `    expires: ${day(-10)}`,
    '',
  ].join('\n');
}

export interface DemoOrganizationOptions {
  /**
   * The organization as a later run finds it: svc-reporting's old key rotated away (deleted, its
   * newer key in use), carla's MFA enabled, and a new console user without MFA in
   * payments-staging, each change with its CloudTrail event of the last hour.
   */
  later?: boolean;
  /** Each call takes this long (ms); default 0. */
  latencyMs?: number;
}

export function demoOrganization(now: Date = new Date(), options: DemoOrganizationOptions = {}): SimulatedOrganization {
  const later = options.later === true;
  const ago = (days: number): string => new Date(now.getTime() - days * DAY_MS).toISOString();
  const used = (days: number, service: string) => ({ date: ago(days), service, region: 'eu-west-1' });
  const iamEvent = (eventName: string, days: number, username: string, resource: { type: string; name: string }): SimulatedEventSpec => ({
    eventName,
    eventTime: ago(days),
    username,
    resources: [resource],
    sourceIPAddress: '198.51.100.7',
  });

  const management: SimulatedUserSpec[] = [
    // May assume the operations role of every account: admin in data-lake from the management account.
    { name: 'ana.admin', created: ago(900), password: { lastUsed: ago(1) }, mfa: [{ type: 'security-key' }], groups: ['operators'] },
    { name: 'break-glass', created: ago(1200), password: { lastUsed: null }, mfa: [{ type: 'hardware' }] },
  ];
  const paymentsProd: SimulatedUserSpec[] = [
    // Console users: one with an authenticator app, one without MFA who signed in yesterday (critical).
    { name: 'bruno', created: ago(700), password: { lastUsed: ago(2) }, mfa: [{ type: 'virtual' }] },
    { name: 'carla', created: ago(400), password: { lastUsed: ago(1) }, ...(later ? { mfa: [{ type: 'virtual' as const }] } : {}), attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    // Service users with keys: far past rotation (and made administrator), past rotation, two active keys (one never used).
    { name: 'svc-payments-batch', created: ago(1500), accessKeys: [{ created: ago(1400), lastUsed: used(0, 's3') }], attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    // AWS saw this key in a public repository and quarantined its user.
    { name: 'svc-deploy', created: ago(300), accessKeys: [{ created: ago(200), lastUsed: used(1, 'cloudformation') }], attachedPolicies: ['arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3'] },
    // Two active keys, one past rotation and one never used; a later run finds the rotation done.
    {
      name: 'svc-reporting',
      created: ago(500),
      accessKeys: later
        ? [{ id: 'AKIADEMOREPORTING002', created: ago(20), lastUsed: used(0, 'athena') }]
        : [{ id: 'AKIADEMOREPORTING001', created: ago(150), lastUsed: used(3, 'athena') }, { id: 'AKIADEMOREPORTING002', created: ago(20), lastUsed: null }],
    },
  ];
  const paymentsStaging: SimulatedUserSpec[] = [
    { name: 'diego', created: ago(600), password: { lastUsed: ago(5) }, mfa: [{ type: 'hardware' }] },
    // A password nobody has used for four months, and a console user who never signed in.
    { name: 'elena', created: ago(500), password: { lastUsed: ago(120) }, mfa: [{ type: 'virtual' }] },
    { name: 'felipe', created: ago(60), password: { lastUsed: null } },
    // A key created during setup and never used, and one idle for two months.
    { name: 'svc-ci', created: ago(100), accessKeys: [{ created: ago(100), lastUsed: null }] },
    { name: 'svc-legacy-sync', created: ago(800), accessKeys: [{ created: ago(80), lastUsed: used(70, 'sqs') }, { status: 'Inactive', created: ago(700), lastUsed: used(400, 'sqs') }] },
    // Created since the first run, with a console password and no MFA.
    ...(later ? [{ name: 'hugo', created: ago(0.05), password: { lastUsed: null } }] : []),
  ];
  const dataLake: SimulatedUserSpec[] = [
    { name: 'gabriela', created: ago(300), password: { lastUsed: ago(3) }, mfa: [{ type: 'virtual' }] },
    { name: 'svc-glue', created: ago(400), accessKeys: [{ created: ago(30), lastUsed: used(0, 'glue') }] },
  ];

  // What happened since the first run, as CloudTrail recorded it.
  const paymentsProdChanges = later
    ? [iamEvent('DeleteAccessKey', 0.03, 'ana.admin', { type: 'AWS::IAM::AccessKey', name: 'AKIADEMOREPORTING001' }), iamEvent('EnableMFADevice', 0.02, 'carla', { type: 'AWS::IAM::User', name: 'carla' })]
    : [];
  const paymentsStagingChanges = later ? [iamEvent('CreateUser', 0.05, 'ana.admin', { type: 'AWS::IAM::User', name: 'hugo' }), iamEvent('CreateLoginProfile', 0.05, 'ana.admin', { type: 'AWS::IAM::User', name: 'hugo' })] : [];

  return new SimulatedOrganization({ managementAccountId: DEMO_ACCOUNTS.management, organizationId: 'o-demo0example', auditRoleName: DEMO_ROLE_NAME, caller: DEMO_CALLER, latencyMs: options.latencyMs ?? 0, now: () => new Date() })
    .addAccount({
      id: DEMO_ACCOUNTS.management,
      name: 'management',
      users: management,
      groups: [{ name: 'operators', inlinePolicies: [{ name: 'assume-operations', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/operations' }] } }] }],
      root: { mfa: 'hardware', passwordLastUsed: ago(40) },
      events: [
        { eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventTime: ago(40), username: 'root', consoleLogin: 'Success', sourceIPAddress: '203.0.113.10' },
        iamEvent('EnableMFADevice', 35, 'ana.admin', { type: 'AWS::IAM::User', name: 'ana.admin' }),
      ],
    })
    .addAccount({
      id: DEMO_ACCOUNTS.paymentsProd,
      name: 'payments-prod',
      users: paymentsProd,
      // Root with an access key and no MFA: the two most severe findings.
      root: { mfa: 'none', accessKeys: [{ created: ago(2000), lastUsed: used(200, 'ec2') }], passwordLastUsed: ago(300) },
      // A vendor's role (with an external id), one anyone may assume, and one nobody used for a year.
      roles: [
        { name: 'vendor-monitoring', created: ago(400), lastUsed: ago(1), trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'demo-external-id' } } }] }, attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
        { name: 'public-reader', created: ago(200), lastUsed: ago(3), trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }, attachedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] },
        { name: 'old-migration', created: ago(700), lastUsed: ago(380), trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
      ],
      events: [
        iamEvent('CreateAccessKey', 20, 'svc-reporting', { type: 'AWS::IAM::User', name: 'svc-reporting' }),
        iamEvent('DeleteAccessKey', 18, 'ana.admin', { type: 'AWS::IAM::AccessKey', name: 'AKIADEMOREMOVED00001' }),
        iamEvent('EnableMFADevice', 10, 'bruno', { type: 'AWS::IAM::User', name: 'bruno' }),
        iamEvent('UpdateAccessKey', 4, 'ana.admin', { type: 'AWS::IAM::AccessKey', name: 'AKIADEMODISABLED0001' }),
        ...paymentsProdChanges,
      ],
    })
    .addAccount({
      id: DEMO_ACCOUNTS.paymentsStaging,
      name: 'payments-staging',
      users: paymentsStaging,
      // MFA on root, but only an authenticator app.
      root: { mfa: 'virtual', passwordLastUsed: null },
      // A password policy of eight characters.
      passwordPolicy: { MinimumPasswordLength: 8, PasswordReusePrevention: 24 },
      events: [iamEvent('DeactivateMFADevice', 50, 'elena', { type: 'AWS::IAM::User', name: 'elena' }), ...paymentsStagingChanges],
    })
    .addAccount({
      id: DEMO_ACCOUNTS.dataLake,
      name: 'data-lake',
      users: dataLake,
      root: { mfa: 'hardware', passwordLastUsed: null },
      // Administrators of the management account may assume it.
      roles: [{ name: 'operations', created: ago(300), lastUsed: ago(2), trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEMO_ACCOUNTS.management}:root` }, Action: 'sts:AssumeRole' }] }, attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
    })
    .addAccount({ id: DEMO_ACCOUNTS.sandbox, name: 'sandbox-ana', auditRole: 'missing', users: [{ name: 'ghost', password: { lastUsed: ago(1) } }] })
    .addAccount({ id: DEMO_ACCOUNTS.legacy, name: 'legacy-erp', state: 'SUSPENDED' })
    // The audit role of data-lake may not read CloudTrail: the account is audited only in part.
    .injectFault({ operation: 'LookupEvents', accountId: DEMO_ACCOUNTS.dataLake, error: 'AccessDenied' })
    // IAM throttles a few calls, as it does under load; the SDK's adaptive retry absorbs them.
    .injectFault({ operation: 'ListAccessKeys', accountId: DEMO_ACCOUNTS.paymentsProd, error: 'Throttling', times: 2 });
}
