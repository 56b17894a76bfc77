// The clients a collector is given for one audited account (account-collector.ts). Its own clients
// (through the audit role) carry a middleware that tracks their calls in flight; clients shared
// with other accounts (the management side's) are seen through a tracked view. Every one is bound
// to the account's signal, made on first use and once per account. A collector on a new AWS
// service adds its client here: a member of AccountClients and its line in accountClients.
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types';
import type { AwsClientFactory } from '../aws/clients';

/**
 * The clients of one audited account. Each sends every call with the account's deadline and stop,
 * and names its calls in flight when the account times out.
 */
export interface AccountClients {
  /** IAM in the audited account, through the audit role. */
  iam(): IAMClient;
  /** CloudTrail in the audited account and `region`, through the audit role. */
  cloudTrail(region: string): CloudTrailClient;
  /** Organizations with the auditor's own credentials (the management or delegated administrator account). */
  organizations(): OrganizationsClient;
}

type SendingClient = { send(command: never): Promise<unknown> };

/** Where an account's calls in flight are kept track of (run/account-limits.ts's AccountCallTracker). */
export interface AccountCallTracking {
  /** Tracks every call of a client the account owns, through a middleware of its own stack. */
  track<Input extends object, Output extends object>(client: { middlewareStack: MiddlewareStack<Input, Output> }): void;
  /** A tracked view of a client shared with other accounts, its middleware left as it is. */
  sharedView<Client extends SendingClient>(client: Client): Client;
}

export interface AccountClientBinding {
  /** The audit role's credentials in the account. */
  credentials: AwsCredentialIdentityProvider;
  tracking: AccountCallTracking;
  /** The client seen through a view whose every call carries the account's signal. */
  bound<Client extends SendingClient>(client: Client): Client;
}

function once<Client>(make: () => Client): () => Client {
  let made: Client | undefined;
  return () => (made ??= make());
}

function oncePerRegion<Client>(make: (region: string) => Client): (region: string) => Client {
  const made = new Map<string, Client>();
  return (region) => {
    const existing = made.get(region);
    if (existing !== undefined) return existing;
    const client = make(region);
    made.set(region, client);
    return client;
  };
}

export function accountClients(factory: AwsClientFactory, { credentials, tracking, bound }: AccountClientBinding): AccountClients {
  return {
    iam: once(() => {
      const client = factory.iam(credentials);
      tracking.track(client);
      return bound(client);
    }),
    cloudTrail: oncePerRegion((region) => {
      const client = factory.cloudTrail(credentials, region);
      tracking.track(client);
      return bound(client);
    }),
    organizations: once(() => tracking.sharedView(bound(factory.organizations()))),
  };
}
