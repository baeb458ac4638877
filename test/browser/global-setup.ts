// Starts what the browser tests drive: `wrangler dev` with its own migrated and seeded state
// (test/support/dev-worker.ts), and two tiny page servers (one origin listed in CORS_ORIGINS, one
// not). Everything is torn down, and the state removed, when the run ends.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { TestProject } from 'vitest/node';
import { startDevWorker } from '../support/dev-worker';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A page origin listed in the Worker's CORS_ORIGINS. */
    allowedOrigin: string;
    /** A page origin that is not. */
    otherOrigin: string;
  }
}

/** A blank page whose only job is to be an origin the tests can fetch from. */
function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>origin</title><p>origin page</p>');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    }),
  );
}

export default async function setup(project: TestProject) {
  const [a, b] = await Promise.all([pageServer(), pageServer()]);
  const closePages = () => Promise.all([a, b].map(({ server }) => new Promise((r) => server.close(r))));
  let worker: Awaited<ReturnType<typeof startDevWorker>>;
  try {
    worker = await startDevWorker({ seed: true, vars: { CORS_ORIGINS: a.origin } });
  } catch (err) {
    await closePages();
    throw err;
  }
  project.provide('workerUrl', worker.url);
  project.provide('allowedOrigin', a.origin);
  project.provide('otherOrigin', b.origin);
  return async () => {
    await worker.stop();
    await closePages();
  };
}
