// What a finding is about, as resources with their identifiers in the audited account: the user's
// ARN (with its path, from the records), the access key and its user, or the account. The Security
// Hub import and the OCSF file both name resources so, from here.
import type { AccessKeyRecord, AuditRun, IamUserRecord } from '../../model';
import type { Finding } from './finding';

export type FindingResource =
  | { kind: 'iam-user'; uid: string; userName: string; record?: IamUserRecord }
  | { kind: 'iam-role'; uid: string; roleName: string }
  | { kind: 'access-key'; uid: string; accessKeyId: string; userName: string; record?: AccessKeyRecord }
  | { kind: 'account'; uid: string; accountId: string };

/** The user records of a run by account and name, to name users by their real ARN. */
export class RunUsers {
  private readonly users = new Map<string, IamUserRecord>();
  private readonly roleArns = new Map<string, string>();

  constructor(run: AuditRun) {
    for (const audit of run.accounts) {
      for (const user of audit.users) this.users.set(`${audit.account.id}|${user.userName}`, user);
      for (const role of audit.inventory?.roles ?? []) this.roleArns.set(`${audit.account.id}|${role.roleName}`, role.arn);
    }
  }

  /** The role's ARN with its path, from the inventory. */
  roleArn(accountId: string, roleName: string): string | undefined {
    return this.roleArns.get(`${accountId}|${roleName}`);
  }

  user(accountId: string, userName: string): IamUserRecord | undefined {
    return this.users.get(`${accountId}|${userName}`);
  }
}

/** An access key has no ARN: this is the form AWS's own findings (GuardDuty) give one. */
export function accessKeyResourceId(accessKeyId: string): string {
  return `AWS::IAM::AccessKey:${accessKeyId}`;
}

function userResource(partition: string, accountId: string, userName: string, users: RunUsers): FindingResource {
  const record = users.user(accountId, userName);
  // Users have paths (`user/ops/alice`): the record's ARN has it; without a record the path is unknown.
  const uid = record?.arn ?? `arn:${partition}:iam::${accountId}:user/${userName}`;
  return record === undefined ? { kind: 'iam-user', uid, userName } : { kind: 'iam-user', uid, userName, record };
}

/** An access-key finding's resource, `<user>/<key id>`: user names cannot contain a slash, key ids never do. */
export function splitAccessKeyResource(resource: string): { userName: string; accessKeyId: string } {
  const slash = resource.lastIndexOf('/');
  return { userName: resource.slice(0, slash), accessKeyId: resource.slice(slash + 1) };
}

/** The finding's resources, the most specific first: a key finding names the key, then its user. */
export function findingResources(finding: Finding, partition: string, users: RunUsers): FindingResource[] {
  switch (finding.resourceType) {
    case 'iam-user':
      return [userResource(partition, finding.accountId, finding.resource, users)];
    case 'iam-role':
      return [{ kind: 'iam-role', uid: users.roleArn(finding.accountId, finding.resource) ?? `arn:${partition}:iam::${finding.accountId}:role/${finding.resource}`, roleName: finding.resource }];
    case 'access-key': {
      const { userName, accessKeyId } = splitAccessKeyResource(finding.resource);
      const record = users.user(finding.accountId, userName)?.accessKeys.find((key) => key.accessKeyId === accessKeyId);
      const key: FindingResource = record === undefined ? { kind: 'access-key', uid: accessKeyResourceId(accessKeyId), accessKeyId, userName } : { kind: 'access-key', uid: accessKeyResourceId(accessKeyId), accessKeyId, userName, record };
      return [key, userResource(partition, finding.accountId, userName, users)];
    }
    case 'root':
    case 'account':
      // The account as a principal: `arn:<partition>:iam::<account>:root` names the account and its root user.
      return [{ kind: 'account', uid: `arn:${partition}:iam::${finding.accountId}:root`, accountId: finding.accountId }];
  }
}
