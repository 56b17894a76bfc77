// A real HTTP server on 127.0.0.1 for the faults that only exist on the wire: an endpoint that
// accepts a request and never answers, and one that drops the connection while the request is
// being sent. The simulated AWS answers inside the SDK, so its requests never reach a socket;
// for these faults it sends the request here instead, through the client's own Node handler, so
// that the handler's real timeouts and the SDK's real retries are what the tests exercise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ConnectionFault = 'hang' | 'drop';

/** The request header that tells the server which fault to play. */
export const CONNECTION_FAULT_HEADER = 'x-simulated-connection-fault';

export class ConnectionFaultServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private listening: Promise<number> | null = null;
  /** Requests received, by fault. */
  readonly received: Record<ConnectionFault, number> = { hang: 0, drop: 0 };

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

  private serve(request: IncomingMessage, _response: ServerResponse): void {
    const fault = request.headers[CONNECTION_FAULT_HEADER] === 'drop' ? 'drop' : 'hang';
    this.received[fault] += 1;
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
