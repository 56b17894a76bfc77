// A real HTTP server on 127.0.0.1 for the faults that only exist on the wire: an endpoint that
// accepts a request and never answers, and one that drops the connection while the request is
// being sent. The simulated AWS answers inside the SDK, so its requests never reach a socket;
// for these faults it sends the request here instead, through the client's own Node handler, so
// that the handler's real timeouts and the SDK's real retries are what the tests exercise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * `hang` and `drop` play a dead endpoint; the others answer 200 with a body that is not the
 * operation's answer, as a rewriting proxy or a captive portal would: `empty-200` (no body),
 * `html-200` (an HTML page), `foreign-xml-200` (well-formed XML of another operation).
 */
export type ConnectionFault = 'hang' | 'drop' | 'empty-200' | 'html-200' | 'foreign-xml-200';

const CONNECTION_FAULTS: readonly ConnectionFault[] = ['hang', 'drop', 'empty-200', 'html-200', 'foreign-xml-200'];

/** The request header that tells the server which fault to play. */
export const CONNECTION_FAULT_HEADER = 'x-simulated-connection-fault';

export class ConnectionFaultServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private listening: Promise<number> | null = null;
  /** Requests received, by fault. */
  readonly received: Record<ConnectionFault, number> = { hang: 0, drop: 0, 'empty-200': 0, 'html-200': 0, 'foreign-xml-200': 0 };

  constructor() {
    this.server = createServer((request, response) => this.serve(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      // Neither the server nor a hung socket keeps a test process alive.
      socket.unref();
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.unref();
  }

  /** The port, once listening (on first use). */
  port(): Promise<number> {
    this.listening ??= new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
    return this.listening;
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const asked = request.headers[CONNECTION_FAULT_HEADER];
    const fault = CONNECTION_FAULTS.find((candidate) => candidate === asked) ?? 'hang';
    this.received[fault] += 1;
    if (fault === 'empty-200' || fault === 'html-200' || fault === 'foreign-xml-200') {
      request.resume();
      request.once('end', () => {
        const [type, body] =
          fault === 'empty-200'
            ? ['text/xml', '']
            : fault === 'html-200'
              ? ['text/html', '<!DOCTYPE html><html><body>Sign in to continue</body></html>']
              : ['text/xml', '<OtherResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></OtherResponse>'];
        response.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        response.end(body);
      });
      return;
    }
    if (fault === 'drop') {
      // Cut as the body arrives (or at once when there is none): the client sees EPIPE or ECONNRESET.
      request.once('data', () => request.socket.destroy());
      request.once('end', () => request.socket.destroy());
      return;
    }
    // A hang reads the request, so the client is left waiting on the answer, not on sending.
    request.resume();
  }

  /** Ends every connection and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.listening === null) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
