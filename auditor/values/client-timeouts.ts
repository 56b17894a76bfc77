// The timeouts of every AWS client's attempts, as plain numbers: the clients (aws/clients.ts) are
// built with them, and the set-up's deadline (run/setup-deadline.ts) is sized from them without
// loading the SDK.
/**
 * How long one attempt of a call may take, in milliseconds. A timed-out attempt fails with the
 * handler's `TimeoutError`, which the retry strategy classes as transient and retries like a 503.
 */
export interface ClientTimeouts {
  /** To open the TCP (and TLS) connection: AWS endpoints connect in well under a second. */
  connectionMs: number;
  /**
   * From sending the request to the response's headers. AWS answers the auditor's calls in a
   * second or two (LookupEvents, a credential report of thousands of users, an 8 MB part); a
   * minute leaves room for a slow network and still ends an attempt the endpoint never answers.
   */
  requestMs: number;
  /**
   * Silence on the socket, headers or body: a response that stops half way (a large report read
   * back from S3) is cut here rather than waited on.
   */
  socketIdleMs: number;
}

export const DEFAULT_CLIENT_TIMEOUTS: Readonly<ClientTimeouts> = { connectionMs: 5_000, requestMs: 60_000, socketIdleMs: 30_000 };
