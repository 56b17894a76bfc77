// Reading users one by one: the fallback when the credential report cannot be had, and the way to
// read users the report does not know yet (created after it was generated). Several calls per user,
// so it is used only where the report cannot answer.

import { GetLoginProfileCommand, paginateListUsers, type IAMClient, type User } from '@aws-sdk/client-iam';
import { strongestMfaType } from '../mfa';
import type { AccessKeyRecord, IamUserRecord, MfaDeviceRecord, MfaType } from '../model';
import { listAccessKeys, lookupAccessKeyLastUse } from './access-keys';
import { isNoSuchEntity } from './aws-error';
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
  const passwordEnabled = await hasLoginProfile(iam, user.userName, errors);

  let accessKeys: AccessKeyRecord[] = [];
  try {
    const keys = await listAccessKeys(iam, user.userName);
    accessKeys = await Promise.all(
      keys.map(async (key) => {
        try {
          return { ...key, ...(await lookupAccessKeyLastUse(iam, key.accessKeyId)) };
        } catch (error) {
          errors.addFor('GetAccessKeyLastUsed', 'key', key.accessKeyId, error, 'last use unknown');
          return { ...key, lastUsedDate: null, lastUsedService: null, lastUsedRegion: null };
        }
      }),
    );
  } catch (error) {
    if (isNoSuchEntity(error)) throw new UserGoneError(user.userName);
    errors.addFor('ListAccessKeys', 'user', user.userName, error, 'keys missing');
  }

  let mfaDevices: MfaDeviceRecord[] = [];
  let mfaType: MfaType;
  try {
    mfaDevices = await listUserMfaDevices(iam, user.userName);
    mfaType = strongestMfaType(mfaDevices);
  } catch (error) {
    if (isNoSuchEntity(error)) throw new UserGoneError(user.userName);
    errors.addFor('ListMFADevices', 'user', user.userName, error, 'MFA unknown');
    mfaType = 'Unknown';
  }

  return {
    userName: user.userName,
    arn: user.arn,
    createdDate: user.createdDate,
    passwordEnabled,
    passwordLastUsed: user.passwordLastUsed,
    passwordLastChanged: null,
    mfaActive: mfaDevices.length > 0,
    mfaType,
    mfaDevices,
    accessKeys,
  };
}
