// The organization's Identity Center read within the run's limits: through the audit role of the
// account that administers it, its calls under one deadline (the account deadline, as for one more
// account) and the run's stop. A read cut by either is recorded `unknown` with the reason, never
// as an organization without Identity Center.
import type { AwsClientFactory } from '../aws/clients';
import { withAbortSignal } from '../aws/clients';
import { causedByAbort, describeError } from '../aws/aws-error';
import { assumedRoleCredentials } from '../aws/credentials';
import { collectIdentityCenter } from '../collectors/identity-center';
import type { IdentityCenterRecord } from '../model';
import { daysBefore } from '../analysis/facts';
import type { AuditOptions } from './audit-options';

export interface IdentityCenterReadContext {
  options: AuditOptions;
  clients: AwsClientFactory;
  partition: string;
  sessionName: string;
  managementAccountId: string | null;
  now: Date;
  timeoutSeconds: number;
  /** Aborted when the run gives up the work in flight (a stop's grace ran out). */
  stopNow: AbortSignal;
}

export async function readIdentityCenter(context: IdentityCenterReadContext, region: string): Promise<IdentityCenterRecord> {
  const { options, clients } = context;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), context.timeoutSeconds * 1000);
  const signal = AbortSignal.any([deadline.signal, context.stopNow]);
  const bound = <Client extends { send(command: never): Promise<unknown> }>(client: Client): Client => withAbortSignal(client, signal);
  try {
    return await collectIdentityCenter(
      {
        organizations: bound(clients.organizations()),
        inAccount: (accountId) => {
          const credentials = assumedRoleCredentials({
            sts: bound(clients.sts()),
            partition: context.partition,
            accountId,
            roleName: options.roleName,
            sessionName: context.sessionName,
            externalId: options.externalId,
          });
          return {
            ssoAdmin: bound(clients.ssoAdmin(credentials, region)),
            identityStore: bound(clients.identityStore(credentials, region)),
            cloudTrail: bound(clients.cloudTrail(credentials, region)),
          };
        },
      },
      {
        managementAccountId: context.managementAccountId,
        region,
        signInsSince: options.cloudTrail.enabled ? daysBefore(context.now, options.cloudTrail.sinceDays) : null,
        now: context.now,
      },
    );
  } catch (error) {
    const reason = deadline.signal.aborted
      ? `cut after ${context.timeoutSeconds} s (the account deadline)`
      : context.stopNow.aborted
        ? 'cut by the run\'s stop'
        : causedByAbort(error)
          ? 'aborted'
          : `failed (${describeError(error)})`;
    return {
      status: 'unknown',
      detail: `Identity Center read ${reason}: whether and how the organization uses it is unknown`,
      region,
      accountId: null,
      delegatedAdministrator: false,
      instanceArn: null,
      identityStoreId: null,
      users: [],
      groups: [],
      permissionSets: [],
      assignments: [],
      signIns: null,
      signInsDetail: 'not read',
      errors: [],
    };
  } finally {
    clearTimeout(timer);
  }
}
