// Starts what the browser tests drive: `wrangler dev` on free loopback ports with its own
// migrated and seeded state, and two tiny page servers (one origin listed in CORS_ORIGINS, one
// not). Everything is torn down, and the state removed, when the run ends.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Worker under `wrangler dev`, e.g. http://127.0.0.1:40123 */
    workerUrl: string;
    /** A page origin listed in the Worker's CORS_ORIGINS. */
    allowedOrigin: string;
    /** A page origin that is not. */
    otherOrigin: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd: ROOT, env: childEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
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

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${stderr()}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer /health within 120 s:\n${stderr()}`);
}

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(path.join(tmpdir(), 'tijori-browser-'));
  const [a, b] = await Promise.all([pageServer(), pageServer()]);
  let child: ChildProcess | undefined;

  const teardown = async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      // wrangler leads its own process group (workerd included): signal that group, and only it.
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-(child?.pid as number), sig);
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      signal('SIGKILL');
    }
    await Promise.all([a, b].map(({ server }) => new Promise((r) => server.close(r))));
    rmSync(persistTo, { recursive: true, force: true });
  };

  try {
    run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo]);
    run('npx', ['tsx', 'scripts/seed.ts', '--persist-to', persistTo]);

    const port = await freePort();
    const inspectorPort = await freePort();
    child = spawn(
      'npx',
      [
        'wrangler',
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--inspector-port',
        String(inspectorPort),
        '--persist-to',
        persistTo,
        '--show-interactive-dev-session=false',
        '--var',
        `CORS_ORIGINS:${a.origin}`,
      ],
      { cwd: ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr = (stderr + d).slice(-8000);
    });
    const workerUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(workerUrl, child, () => stderr);

    project.provide('workerUrl', workerUrl);
    project.provide('allowedOrigin', a.origin);
    project.provide('otherOrigin', b.origin);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
