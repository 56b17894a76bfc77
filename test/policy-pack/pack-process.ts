// The pack as the Pulumi engine runs it: `@pulumi/pulumi/cmd/run-policy-pack` started in the pack's
// directory (it compiles index.ts with ts-node, type checks included, and prints its gRPC port).
import { ChildProcess, spawn } from 'child_process';
import type * as grpc from '@grpc/grpc-js';

/** The pack's process, started as the engine starts it; `port` resolves once it serves. */
export function startPack(packDirectory: string): { process: ChildProcess; port: Promise<number> } {
  // The engine's environment, not the test runner's (which tells ts-node to skip type checks).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TS_NODE_')));
  const child = spawn(process.execPath, [require.resolve('@pulumi/pulumi/cmd/run-policy-pack', { paths: [packDirectory] }), '127.0.0.1:0', packDirectory], {
    cwd: packDirectory,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = new Promise<number>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`policy pack exited with ${code} before serving:\n${stdout}\n${stderr}`)));
  });
  return { process: child, port };
}

export function call<Request, Response>(
  method: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => grpc.ClientUnaryCall,
  request: Request,
): Promise<Response> {
  return new Promise((resolve, reject) => method(request, (error, response) => (error ? reject(error) : resolve(response))));
}

