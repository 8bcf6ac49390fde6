import { createServer } from 'node:net';
import { StartupError } from './startup-error.js';

/**
 * Fails early, before DynamoDB Local starts, when nothing could listen on `host:port`. The real listen
 * can still lose a race; its error goes through {@link describeListenError} too.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(new StartupError(describeListenError(error, host, port))));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Turns a listen error into a sentence that says what to do. */
export function describeListenError(error: unknown, host: string, port: number): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return (
        `port ${port} on ${host} is already in use (is another \`npm start\` or ElasticMQ running?). ` +
        'Stop it, or pick another port: npm start -- --port 9400 (or PORT=9400)'
      );
    case 'EACCES':
      return `not allowed to listen on ${host}:${port}; ports below 1024 need extra privileges, pick another with --port`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine; use --host 127.0.0.1, or 0.0.0.0 for every interface`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve --host ${host}`;
    default:
      return `cannot listen on ${host}:${port}: ${(error as Error).message}`;
  }
}
