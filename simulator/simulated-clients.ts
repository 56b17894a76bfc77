// The SDK clients a simulated organization answers: real SDK v3 clients with a middleware in the
// deserialize step (inside the retry middleware, after signing) that hands each command to the
// organization instead of sending it, and a client factory the auditor takes in place of AWS's.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { IdentitystoreClient, type ServiceInputTypes as IdentitystoreInput, type ServiceOutputTypes as IdentitystoreOutput } from '@aws-sdk/client-identitystore';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { auditClientConfig, validatingAnswers, type AwsClientFactory } from '../auditor/aws/clients';
import type { ClientTimeouts } from '../auditor/values/client-timeouts';
import { CONNECTION_FAULT_HEADER } from './connection-fault-server';
import type { SimulatedService } from './simulated-errors';
import { isConnectionFaultOrder, type SimulatedOrganization } from './simulated-organization';

function signingAccessKeyId(request: unknown): string | null {
  if (typeof request !== 'object' || request === null || !('headers' in request)) return null;
  const headers = (request as { headers: Record<string, string | undefined> }).headers;
  const authorization = headers.authorization ?? headers.Authorization;
  const match = authorization ? /Credential=([A-Z0-9]+)\//.exec(authorization) : null;
  return match ? match[1] : null;
}

/**
 * Other test files may stub a client class's `send` with aws-sdk-client-mock for the whole mocha
 * process (the stub sits on the class prototype). A simulated client keeps the SDK's genuine
 * `send` (the smithy base client's) as its own property, so it still goes through its middleware
 * stack and the simulated organization whatever other files mock.
 */
function keepGenuineSend(client: object, clientClass: { prototype: object }): void {
  const genuine = (Object.getPrototypeOf(clientClass.prototype) as { send?: unknown }).send;
  if (typeof genuine === 'function') Object.defineProperty(client, 'send', { value: genuine, writable: true, configurable: true });
}

/** `client` answered by `org` as `service` in `region`, with the SDK's own send (see keepGenuineSend). */
function answeredBy<Input extends object, Output extends MetadataBearer, Client extends { middlewareStack: MiddlewareStack<Input, Output> }>(
  org: SimulatedOrganization,
  service: SimulatedService,
  region: string,
  client: Client,
  clientClass: { prototype: object },
): Client {
  attachSimulatedAws(client, org, service, region);
  keepGenuineSend(client, clientClass);
  return client;
}

/** Answers every command of `client` from `org`. Works for any SDK v3 client. */
export function attachSimulatedAws<Input extends object, Output extends MetadataBearer>(
  client: { middlewareStack: MiddlewareStack<Input, Output> },
  org: SimulatedOrganization,
  service: SimulatedService,
  region: string,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await org.handle(service, region, context.commandName ?? 'Unknown', args.input as Record<string, unknown>, signingAccessKeyId(args.request));
      if (isConnectionFaultOrder(output)) {
        // The signed request goes to the fault server through the rest of the stack and the
        // client's own handler, whose timeouts and errors are then the real ones.
        const request = args.request as { protocol: string; hostname: string; port?: number; headers: Record<string, string> };
        request.protocol = 'http:';
        request.hostname = '127.0.0.1';
        request.port = await org.connectionFaults().port();
        request.headers[CONNECTION_FAULT_HEADER] = output.connectionFault;
        return next(args);
      }
      return { output: output as Output, response: { statusCode: 200, headers: {} } };
    },
    { step: 'deserialize', priority: 'high', name: 'simulatedAwsMiddleware' },
  );
}

export interface SimulatedClientFactoryOptions {
  /** `none`: the auditor has no credentials at all (the SDK's default chain finds nothing). */
  credentials?: 'management' | 'none';
  /** Override the retry attempts (tests of "throttled past retries" keep this small). */
  maxAttempts?: number;
  /** Override the clients' timeouts (tests of hung calls keep them short). */
  timeouts?: ClientTimeouts;
}

export interface SimulatedClientFactory extends AwsClientFactory {
  readonly organization: SimulatedOrganization;
}

export function simulatedClientFactory(org: SimulatedOrganization, options: SimulatedClientFactoryOptions = {}): SimulatedClientFactory {
  const region = 'us-east-1';
  const ownCredentials: AwsCredentialIdentityProvider =
    options.credentials === 'none'
      ? async () => {
          const error = new Error('Could not load credentials from any providers');
          error.name = 'CredentialsProviderError';
          throw error;
        }
      : async () => org.managementCredentials();
  const config = (credentials: AwsCredentialIdentityProvider, clientRegion: string) => {
    // Given to the retry strategy itself: a client's `maxAttempts` is ignored once it has a strategy.
    return auditClientConfig({ region: clientRegion, credentials, ...(options.timeouts ? { timeouts: options.timeouts } : {}), ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) });
  };
  return {
    organization: org,
    organizations() {
      return answeredBy(org, 'organizations', region, validatingAnswers(new OrganizationsClient(config(ownCredentials, region)), 'json'), OrganizationsClient);
    },
    sts() {
      return answeredBy(org, 'sts', region, validatingAnswers(new STSClient(config(ownCredentials, region)), 'query'), STSClient);
    },
    iam(credentials) {
      return answeredBy(org, 'iam', region, validatingAnswers(new IAMClient(config(credentials, region)), 'query'), IAMClient);
    },
    cloudTrail(credentials, trailRegion) {
      return answeredBy(org, 'cloudtrail', trailRegion, validatingAnswers(new CloudTrailClient(config(credentials, trailRegion)), 'json'), CloudTrailClient);
    },
    ssoAdmin(credentials, homeRegion) {
      return answeredBy(org, 'sso', homeRegion, validatingAnswers(new SSOAdminClient(config(credentials, homeRegion)), 'json'), SSOAdminClient);
    },
    identityStore(credentials, homeRegion) {
      return answeredBy<IdentitystoreInput, IdentitystoreOutput, IdentitystoreClient>(org, 'identitystore', homeRegion, validatingAnswers(new IdentitystoreClient(config(credentials, homeRegion)), 'json'), IdentitystoreClient);
    },
    s3() {
      // No keepGenuineSend here: tests that stub S3Client with aws-sdk-client-mock keep their stub.
      const client = new S3Client(config(ownCredentials, region));
      attachSimulatedAws(client, org, 's3', region);
      return client;
    },
    sns() {
      return validatingAnswers(new SNSClient(config(ownCredentials, region)), 'query');
    },
    securityHub() {
      return answeredBy(org, 'securityhub', region, validatingAnswers(new SecurityHubClient(config(ownCredentials, region)), 'json'), SecurityHubClient);
    },
  };
}
