// Reading users one by one: the fallback when the credential report cannot be had, and the way to
// read users the report does not know yet (created after it was generated). Several calls per user,
// so it is used only where the report cannot answer.

import { GetLoginProfileCommand, paginateListUsers, type IAMClient, type User } from '@aws-sdk/client-iam';
import { strongestMfaType } from './mfa-type';
import type { AccessKeyRecord, IamUserRecord, MfaDeviceRecord, MfaType } from '../model';
import { listAccessKeys, lookupAccessKeyLastUse } from './access-keys';
import { isNoSuchEntity } from '../aws/aws-error';
import type { CollectionErrors } from './collection-errors';
import { listUserMfaDevices } from './mfa-devices';

export const PER_USER_ACTIONS = ['iam:ListUsers', 'iam:GetLoginProfile'] as const;

export interface ListedUser {
  userName: string;
  arn: string;
  createdDate: string;
  passwordLastUsed: string | null;
}

export async function listUsers(iam: IAMClient): Promise<ListedUser[]> {
  const users: ListedUser[] = [];
  for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
    for (const user of page.Users ?? []) {
      const listed = toListedUser(user);
      if (listed) users.push(listed);
    }
  }
  return users;
}

function toListedUser(user: User): ListedUser | null {
  if (!user.UserName) return null;
  return {
    userName: user.UserName,
    arn: user.Arn ?? '',
    createdDate: user.CreateDate ? new Date(user.CreateDate).toISOString() : '',
    passwordLastUsed: user.PasswordLastUsed ? new Date(user.PasswordLastUsed).toISOString() : null,
  };
}

/** Console access: a login profile exists. A failed check is reported in `errors` and reads as none. */
export async function hasLoginProfile(iam: IAMClient, userName: string, errors: CollectionErrors): Promise<boolean> {
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if (!isNoSuchEntity(error)) {
      errors.addFor('GetLoginProfile', 'user', userName, error, 'console access unknown');
    }
    return false;
  }
}

/** Thrown when the user disappeared while being read (deleted during the audit). */
export class UserGoneError extends Error {
  constructor(readonly userName: string) {
    super(`user ${userName} no longer exists`);
    this.name = 'UserGoneError';
  }
}

/**
 * Every fact about one user from per-user calls. Problems with one fact are added to `errors`
 * and the rest is still returned.
 */
export async function collectUserOneByOne(
  iam: IAMClient,
  user: ListedUser,
  errors: CollectionErrors,
): Promise<IamUserRecord> {
  // The three reads are independent; made together, a user costs one round trip, not three.
  const [passwordEnabled, accessKeys, mfa] = await Promise.all([
    hasLoginProfile(iam, user.userName, errors),
    readAccessKeys(iam, user.userName, errors),
    readMfaDevices(iam, user.userName, errors),
  ]);
  return {
    userName: user.userName,
    arn: user.arn,
    createdDate: user.createdDate,
    passwordEnabled,
    passwordLastUsed: user.passwordLastUsed,
    passwordLastChanged: null,
    mfaActive: mfa.devices.length > 0,
    mfaType: mfa.type,
    mfaDevices: mfa.devices,
    accessKeys,
  };
}

async function readAccessKeys(iam: IAMClient, userName: string, errors: CollectionErrors): Promise<AccessKeyRecord[]> {
  let keys;
  try {
    keys = await listAccessKeys(iam, userName);
  } catch (error) {
    if (isNoSuchEntity(error)) throw new UserGoneError(userName);
    errors.addFor('ListAccessKeys', 'user', userName, error, 'keys missing');
    return [];
  }
  return Promise.all(
    keys.map(async (key) => {
      try {
        return { ...key, ...(await lookupAccessKeyLastUse(iam, key.accessKeyId)) };
      } catch (error) {
        errors.addFor('GetAccessKeyLastUsed', 'key', key.accessKeyId, error, 'last use unknown');
        return { ...key, lastUsedDate: null, lastUsedService: null, lastUsedRegion: null };
      }
    }),
  );
}

async function readMfaDevices(
  iam: IAMClient,
  userName: string,
  errors: CollectionErrors,
): Promise<{ devices: MfaDeviceRecord[]; type: MfaType }> {
  try {
    const devices = await listUserMfaDevices(iam, userName);
    return { devices, type: strongestMfaType(devices) };
  } catch (error) {
    if (isNoSuchEntity(error)) throw new UserGoneError(userName);
    errors.addFor('ListMFADevices', 'user', userName, error, 'MFA unknown');
    return { devices: [], type: 'Unknown' };
  }
}
