// One place that decides how every AWS client of the auditor is configured, so the CLI, the
// Fargate task and the tests all get the same retry behaviour. The endpoint is deliberately never
// set here: SDK v3 reads AWS_ENDPOINT_URL (and its per-service variants) by itself, which is how
// the auditor is pointed at an AWS-compatible endpoint. Every client has timeouts: the SDK's Node
// handler has none by default, and one request never answered would hold the run forever.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import { getSmithyContext } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_CLIENT_TIMEOUTS, type ClientTimeouts } from '../values/client-timeouts';
import type { AwsCredentialIdentityProvider, HttpHandlerOptions, MetadataBearer, MiddlewareStack, RetryStrategyV2 } from '@smithy/types';

export interface AwsClientFactory {
  organizations(): OrganizationsClient;
  sts(): STSClient;
  /** IAM in an audited account, with that account's (assumed-role) credentials. */
  iam(credentials: AwsCredentialIdentityProvider): IAMClient;
  cloudTrail(credentials: AwsCredentialIdentityProvider, region: string): CloudTrailClient;
  /** IAM Identity Center's administration API, in its home region, through the audit role of the account that administers it. */
  ssoAdmin(credentials: AwsCredentialIdentityProvider, region: string): SSOAdminClient;
  /** Identity Center's identity store (users, groups, memberships), likewise. */
  identityStore(credentials: AwsCredentialIdentityProvider, region: string): IdentitystoreClient;
  /** The auditor's own credentials, for the S3 sink. */
  s3(): S3Client;
  /** The auditor's own credentials, for notifications. */
  sns(): SNSClient;
  /** The auditor's own credentials and region, for importing findings (`--security-hub`). */
  securityHub(): SecurityHubClient;
}

export const DEFAULT_REGION = 'us-east-1';

/**
 * Attempts per call. The SDK backs off exponentially with jitter (throttling from 500 ms, up to
 * 20 s between attempts), so 8 attempts ride out a throttling burst of about half a minute before
 * an account is marked partial, without letting a dead endpoint hold the run for minutes.
 */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The lowest rate, in calls per second, that adaptive retry's client-side rate limiter may set
 * after a throttled call. Left at the SDK's 0.5, one throttled call early in an account, before the
 * client has measured its own rate, drops that account to half a call per second: every account
 * has new clients, so under 5% throttling 200 accounts x 50 users took 56 s instead of 24 s
 * (`npm run bench`). With this floor a throttled account still slows down (it sends up to 80
 * calls a second unthrottled) but never to a crawl.
 */
export const ADAPTIVE_MIN_CALLS_PER_SECOND = 20;


export interface AuditClientConfig {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  profile?: string;
  /** Adaptive retry, new for each client: its rate limiter is the client's own. */
  retryStrategy: RetryStrategyV2;
  /** The SDK's Node handler with the auditor's timeouts, new for each client. */
  requestHandler: NodeHttpHandler;
}

/** The configuration every auditor client is built with (the simulated AWS uses it too). */
export function auditClientConfig(options: {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  profile?: string;
  timeouts?: ClientTimeouts;
  /** Attempts per call, DEFAULT_MAX_ATTEMPTS unless given (the simulated AWS's tests keep it small). */
  maxAttempts?: number;
}): AuditClientConfig {
  const timeouts = options.timeouts ?? DEFAULT_CLIENT_TIMEOUTS;
  const config: AuditClientConfig = {
    region: options.region,
    retryStrategy: new AdaptiveRetryStrategy(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, { rateLimiter: new DefaultRateLimiter({ minFillRate: ADAPTIVE_MIN_CALLS_PER_SECOND }) }),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      // Without it a request past requestTimeout only logs a warning and goes on waiting.
      throwOnRequestTimeout: true,
      socketTimeout: timeouts.socketIdleMs,
    }),
  };
  if (options.credentials) config.credentials = options.credentials;
  if (options.profile) config.profile = options.profile;
  return config;
}

/** The region given first, then the environment, then us-east-1 (where IAM and Organizations live). */
export function resolveRegion(region: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
}

/**
 * Clients on the SDK's default credential chain (environment, shared profile, SSO, the Fargate
 * task role...). With `profile`, the chain reads that profile: the SDK clients accept `profile`
 * directly, so no separate credential-provider package is needed.
 */
export function defaultClientFactory(options: { profile?: string; region?: string }): AwsClientFactory {
  const region = resolveRegion(options.region);
  const own = () => auditClientConfig({ region, profile: options.profile });
  // Management-side clients are shared: they are few calls, and one client keeps one retry quota
  // per service. Per-account clients are new for each account so that one throttled account does
  // not use up the retries of the others.
  let organizations: OrganizationsClient | undefined;
  let sts: STSClient | undefined;
  let s3: S3Client | undefined;
  let sns: SNSClient | undefined;
  let securityHub: SecurityHubClient | undefined;
  return {
    organizations: () => (organizations ??= validatingAnswers(new OrganizationsClient(own()), 'json')),
    sts: () => (sts ??= validatingAnswers(new STSClient(own()), 'query')),
    iam: (credentials) => validatingAnswers(new IAMClient(auditClientConfig({ region, credentials })), 'query'),
    cloudTrail: (credentials, trailRegion) => validatingAnswers(new CloudTrailClient(auditClientConfig({ region: trailRegion, credentials })), 'json'),
    ssoAdmin: (credentials, homeRegion) => validatingAnswers(new SSOAdminClient(auditClientConfig({ region: homeRegion, credentials })), 'json'),
    identityStore: (credentials, homeRegion) => validatingAnswers(new IdentitystoreClient(auditClientConfig({ region: homeRegion, credentials })), 'json'),
    s3: () => (s3 ??= new S3Client(own())),
    sns: () => (sns ??= validatingAnswers(new SNSClient(own()), 'query')),
    securityHub: () => (securityHub ??= validatingAnswers(new SecurityHubClient(own()), 'json')),
  };
}

interface SendingClient {
  send(command: never, options?: HttpHandlerOptions): Promise<unknown>;
}

/**
 * The client, seen through an object whose every call carries `signal`: when it aborts, the call
 * in flight is cut (its socket destroyed), a retry waiting out its backoff stops waiting, and
 * every later call fails at once with an `AbortError`, which is never retried. The client itself
 * is left as it is; its configuration and middleware are shared. A function gives each command its
 * own signal (a clean-up call that must still go out after the abort, say).
 */
export function withAbortSignal<Client extends SendingClient>(client: Client, signal: AbortSignal | ((command: object) => AbortSignal)): Client {
  const send = client.send.bind(client) as (command: never, options?: HttpHandlerOptions) => Promise<unknown>;
  const bound = Object.create(client) as Client;
  Object.defineProperty(bound, 'send', {
    value: (command: never, options?: HttpHandlerOptions) => {
      const own = typeof signal === 'function' ? signal(command as object) : signal;
      const given = options?.abortSignal as AbortSignal | undefined;
      return send(command, { ...options, abortSignal: given === undefined ? own : AbortSignal.any([own, given]) });
    },
  });
  return bound;
}

/**
 * The wire protocol of a client's answers, for checking them before they count: `query` (IAM, STS,
 * SNS: `<OperationResponse><OperationResult>` XML) and `json` (Organizations, CloudTrail, Security
 * Hub, sso-admin, identitystore: one JSON object). S3's answers are the objects themselves and are not checked.
 */
export type AnswerProtocol = 'query' | 'json';

/**
 * A 2xx answer that is not the operation's well-formed answer: an empty body, an HTML page, XML
 * without the operation's result element, a body that is not a JSON object. The SDK would read it
 * as an empty answer (no keys, no MFA devices, no accounts); it is a failed call instead, retried
 * like a transient fault (`$retryable`), then the step's error, which names the operation.
 */
export class MalformedAnswerError extends Error {
  readonly $retryable = {};
  constructor(readonly operation: string, reason: string) {
    super(`${operation} answered ${reason}, not its well-formed answer`);
    this.name = 'MalformedAnswer';
  }
}

/** The operation schema's output, resolved: `unit` or a structure `[3, ns, name, traits, members, ...]`. */
function outputHasMembers(operationSchema: unknown): boolean {
  if (!Array.isArray(operationSchema)) return true;
  let output: unknown = operationSchema[5];
  if (typeof output === 'function') output = (output as () => unknown)();
  if (output === 'unit' || output === undefined) return false;
  if (Array.isArray(output) && Array.isArray(output[4])) return output[4].length > 0;
  return true;
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  return new Uint8Array();
}

/** Why `text` is not `operation`'s answer in `protocol`, or null when it is. */
export function malformedAnswerReason(protocol: AnswerProtocol, operation: string, text: string, needsResult: boolean): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'an empty body';
  if (protocol === 'query') {
    if (!trimmed.startsWith('<')) return 'a body that is not XML';
    if (/^<!doctype html|^<html[\s>]/i.test(trimmed)) return 'an HTML page';
    if (!new RegExp(`<${operation}Response[\\s>]`).test(trimmed)) return `XML without <${operation}Response>`;
    if (needsResult && !new RegExp(`<${operation}Result[\\s>/]`).test(trimmed)) return `XML without <${operation}Result>`;
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return /^<!doctype html|^<html[\s>]/i.test(trimmed) ? 'an HTML page' : 'a body that is not JSON';
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? null : 'JSON that is not an object';
}

interface AnswerResponse {
  statusCode?: number;
  body?: unknown;
}

/**
 * Checks every 2xx answer of `client` before the SDK reads it (see MalformedAnswerError). It sits
 * in the deserialize step under the SDK's deserializer, so it sees the raw HTTP response; the body
 * it read is handed on as bytes, which the deserializer reads as it reads a stream.
 */
export function validatingAnswers<Client extends { middlewareStack: { add: (...args: never[]) => void } }>(client: Client, protocol: AnswerProtocol): Client {
  const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
  stack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as AnswerResponse;
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) return result;
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const bytes = await bodyBytes(response.body);
      response.body = bytes;
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new MalformedAnswerError(operation, 'a body that is not UTF-8');
      }
      const operationSchema = (getSmithyContext(context) as { operationSchema?: unknown }).operationSchema;
      const needsResult = outputHasMembers(operationSchema);
      if (!needsResult && text.trim() === '') return result;
      const reason = malformedAnswerReason(protocol, operation, text, needsResult);
      if (reason !== null) throw new MalformedAnswerError(operation, reason);
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'validatingAnswersMiddleware' },
  );
  return client;
}
