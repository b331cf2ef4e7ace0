import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that is free now (the OS picks it; the listener is
 * closed again). Another process could take it before the caller binds it, a
 * race the launcher and the test stacks accept for ports they choose themselves.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
