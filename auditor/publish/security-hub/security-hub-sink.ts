// The run's findings delivered to Security Hub (`--security-hub`): where they go (the auditor's own
// account, partition and the region its clients use), what happened, and whether anything failed.
import type { AwsClientFactory } from '../../aws/clients';
import { callerIdentity } from '../../aws/credentials';
import type { Finding } from '../../analysis/findings';
import type { AuditRun } from '../../model';
import type { Messages } from '../messages';
import { errorMessage } from '../../values/error-text';
import { importFindingsToSecurityHub, SecurityHubImportError, type SecurityHubImportResult } from './import-findings';
import { plural } from '../../values/plural';

export interface SecurityHubDelivery {
  clients: AwsClientFactory;
  output: Messages;
  /** The import's clock; default the system clock. */
  now?: () => Date;
}

function reportResult(result: SecurityHubImportResult, output: Messages): void {
  output.info(
    `Security Hub: ${plural(result.imported, 'finding', 'findings')} imported into ${result.productArn}; ` +
      `${result.archived} no longer found (archived and resolved), ${result.suppressed} suppressed as muted, ${result.unsuppressed} no longer suppressed\n`,
  );
  for (const failure of result.failures) output.error(`Security Hub ${failure.operation} refused ${failure.id}: ${failure.reason}`);
  if (result.failures.length > 0) output.error(`${plural(result.failures.length, 'finding was', 'findings were')} not imported or updated in Security Hub; the reports have them all, and the next run sends them again`);
}

/** Imports the findings and prints the outcome; true when something could not be delivered. */
export async function sendFindingsToSecurityHub(run: AuditRun, findings: readonly Finding[], delivery: SecurityHubDelivery): Promise<boolean> {
  const { clients, output } = delivery;
  try {
    const client = clients.securityHub();
    const [identity, region] = await Promise.all([callerIdentity(clients.sts()), client.config.region()]);
    const options = { run, findings, target: { accountId: identity.accountId, region, partition: identity.partition } };
    const result = await importFindingsToSecurityHub(client, delivery.now === undefined ? options : { ...options, now: delivery.now });
    reportResult(result, output);
    return result.failures.length > 0;
  } catch (error) {
    output.error(`Security Hub: ${error instanceof SecurityHubImportError ? error.message : errorMessage(error)}`);
    return true;
  }
}
