// A loopback port free a moment ago, for servers that cannot be told to pick
// their own (PostgreSQL, HAProxy); their helpers choose again should another
// process take it first.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
