// A user's access keys: ids and status from `ListAccessKeys`, last use from the credential report
// when the report's key column can be told apart, else from `GetAccessKeyLastUsed`.

import {
  GetAccessKeyLastUsedCommand,
  paginateListAccessKeys,
  type AccessKeyMetadata,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { AccessKeyRecord } from '../model';
import type { CredentialReportKey } from './credential-report';

export const ACCESS_KEY_ACTIONS = ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed'] as const;

export type AccessKeyLastUse = Pick<AccessKeyRecord, 'lastUsedDate' | 'lastUsedService' | 'lastUsedRegion'>;

export interface ListedAccessKey {
  accessKeyId: string;
  status: AccessKeyRecord['status'];
  createdDate: string;
}

function toStatus(status: string | undefined): AccessKeyRecord['status'] {
  // An unknown status is reported as Inactive rather than dropped: the key still exists.
  return status === 'Active' || status === 'Expired' ? status : 'Inactive';
}

function toListedKey(key: AccessKeyMetadata): ListedAccessKey | null {
  if (!key.AccessKeyId) return null;
  return {
    accessKeyId: key.AccessKeyId,
    status: toStatus(key.Status),
    createdDate: key.CreateDate ? new Date(key.CreateDate).toISOString() : '',
  };
}

export async function listAccessKeys(iam: IAMClient, userName: string): Promise<ListedAccessKey[]> {
  const keys: ListedAccessKey[] = [];
  for await (const page of paginateListAccessKeys({ client: iam, pageSize: 1000 }, { UserName: userName })) {
    for (const key of page.AccessKeyMetadata ?? []) {
      const listed = toListedKey(key);
      if (listed) keys.push(listed);
    }
  }
  return keys;
}

function serviceOrNull(value: string | undefined): string | null {
  return value && value !== 'N/A' ? value : null;
}

export async function lookupAccessKeyLastUse(iam: IAMClient, accessKeyId: string): Promise<AccessKeyLastUse> {
  const response = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
  const lastUsed = response.AccessKeyLastUsed;
  if (!lastUsed?.LastUsedDate) return { lastUsedDate: null, lastUsedService: null, lastUsedRegion: null };
  return {
    lastUsedDate: new Date(lastUsed.LastUsedDate).toISOString(),
    lastUsedService: serviceOrNull(lastUsed.ServiceName),
    lastUsedRegion: serviceOrNull(lastUsed.Region),
  };
}

function toWholeSecond(isoDate: string | null): number | null {
  if (!isoDate) return null;
  const time = Date.parse(isoDate);
  return Number.isNaN(time) ? null : Math.floor(time / 1000);
}

/**
 * Pairs each listed key with the report column that describes it. The report has no key ids, only
 * each key's creation time (`last_rotated`, to the second), which is the key's `CreateDate`. A key
 * with no column of the same creation time (the report predates it, or times disagree), or with two,
 * is left unmatched: guessing could give a key another key's last use. So is a key whose column
 * does not say when it was last used.
 */
export function matchKeysToReport(
  keys: readonly ListedAccessKey[],
  reportKeys: readonly CredentialReportKey[],
): { matched: Map<string, AccessKeyLastUse>; unmatched: ListedAccessKey[] } {
  const matched = new Map<string, AccessKeyLastUse>();
  const unmatched: ListedAccessKey[] = [];
  const freeColumns = [...reportKeys];
  for (const key of keys) {
    const created = toWholeSecond(key.createdDate);
    const candidates = freeColumns.filter((column) => created !== null && toWholeSecond(column.lastRotated) === created);
    // Two keys created in the same second cannot be told apart by time either.
    if (candidates.length !== 1 || !candidates[0].lastUsedKnown) {
      unmatched.push(key);
      continue;
    }
    const [column] = freeColumns.splice(freeColumns.indexOf(candidates[0]), 1);
    matched.set(key.accessKeyId, {
      lastUsedDate: column.lastUsedDate,
      lastUsedService: column.lastUsedDate ? column.lastUsedService : null,
      lastUsedRegion: column.lastUsedDate ? column.lastUsedRegion : null,
    });
  }
  return { matched, unmatched };
}
