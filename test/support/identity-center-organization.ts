// A simulated organization with IAM Identity Center, shared by the Identity Center tests: an admin
// permission set given to a group of three in two accounts, a reader set given to one user
// directly with a 12-hour session, a set whose customer managed policy differs by account, and
// sign-ins of two users in the management account's CloudTrail (the instance's owner, us-east-1).
import { SimulatedOrganization, type SimulatedIdentityCenterSpec, type SimulatedOrganizationOptions } from '../../simulator/simulated-aws';

export const MANAGEMENT = '111111111111';
export const PROD = '222222222222';
export const STAGING = '333333333333';
export const SECURITY = '444444444444';
export const NOW = new Date('2024-06-01T00:00:00Z');
export const AUDIT_ROLE = 'Audit';
/** Identity store user ids, as the sign-in events carry them. */
export const USER_IDS = { ana: '90670000-0000-0000-0000-00000000000a', ben: '90670000-0000-0000-0000-00000000000b', cy: '90670000-0000-0000-0000-00000000000c', dee: '90670000-0000-0000-0000-00000000000d', eve: '90670000-0000-0000-0000-00000000000e' } as const;

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

export function identityCenterSpec(overrides: Partial<SimulatedIdentityCenterSpec> = {}): SimulatedIdentityCenterSpec {
  return {
    users: Object.entries(USER_IDS).map(([userName, userId]) => ({ userName, userId, ...(userName === 'dee' ? { displayName: 'Dee Reader' } : {}) })),
    groups: [
      { displayName: 'platform-admins', members: ['ana', 'ben', 'cy'] },
      { displayName: 'nobody', members: [] },
    ],
    permissionSets: [
      { name: 'Admin', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], sessionDuration: 'PT4H' },
      { name: 'Reader', managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], sessionDuration: 'PT12H' },
      {
        name: 'Deployer',
        customerManagedPolicies: [{ name: 'deploy', path: '/team/' }],
        inlinePolicy: doc({ Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' }),
        permissionsBoundary: { managedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      },
    ],
    assignments: [
      { accountId: PROD, permissionSet: 'Admin', principal: { group: 'platform-admins' } },
      { accountId: STAGING, permissionSet: 'Admin', principal: { group: 'platform-admins' } },
      { accountId: PROD, permissionSet: 'Reader', principal: { user: 'dee' } },
      { accountId: PROD, permissionSet: 'Deployer', principal: { user: 'eve' } },
      { accountId: STAGING, permissionSet: 'Deployer', principal: { user: 'eve' } },
    ],
    ...overrides,
  };
}

/** The organization; `identityCenter: null` leaves it without one. */
export function identityCenterOrganization(options: Partial<Omit<SimulatedOrganizationOptions, 'identityCenter'>> & { identityCenter?: SimulatedIdentityCenterSpec | null } = {}): SimulatedOrganization {
  const { identityCenter, ...rest } = options;
  const spec = identityCenter === null ? undefined : (identityCenter ?? identityCenterSpec());
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: AUDIT_ROLE, recordCalls: true, ...rest, ...(spec === undefined ? {} : { identityCenter: spec }) })
    .addAccount({
      id: MANAGEMENT,
      name: 'management',
      events: [
        { eventName: 'UserAuthentication', eventTime: '2024-05-20T09:00:00Z', identityCenterUser: { userId: USER_IDS.ana, userName: 'ana', credentialType: 'PASSWORD,WEBAUTHN' } },
        { eventName: 'UserAuthentication', eventTime: '2024-05-25T09:00:00Z', identityCenterUser: { userId: USER_IDS.ana, userName: 'ana', credentialType: 'PASSWORD,TOTP' } },
        { eventName: 'UserAuthentication', eventTime: '2024-03-10T09:00:00Z', identityCenterUser: { userId: USER_IDS.dee, userName: 'dee', credentialType: 'PASSWORD' } },
      ].map((event) => ({ ...event, region: 'us-east-1' })),
    })
    .addAccount({
      id: PROD,
      name: 'prod',
      policies: [{ name: 'deploy', path: '/team/', document: doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' }) }],
    })
    .addAccount({
      id: STAGING,
      name: 'staging',
      policies: [{ name: 'deploy', path: '/team/', document: doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }) }],
    })
    .addAccount({ id: SECURITY, name: 'security' });
}
