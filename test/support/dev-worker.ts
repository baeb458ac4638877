// `wrangler dev` for the Node-side suites (browser, admin CLI): free loopback ports (the HTTP port
// and the inspector's, so it runs beside `npm start` or another suite), its own migrated state
// (seeded when asked), removed again by stop().
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The suite's Worker under `wrangler dev`, e.g. http://127.0.0.1:40123 */
    workerUrl: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' };

export interface DevWorker {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** The state directory, for `--persist-to` of other wrangler commands (seed, admin CLI). */
  persistTo: string;
  stop(): Promise<void>;
}

export interface DevWorkerOptions {
  /** Run scripts/seed.ts into the state first. */
  seed?: boolean;
  /** `--var NAME:VALUE` overrides. */
  vars?: Record<string, string>;
  /** Serve this existing state as it is (a restored backup): not migrated, seeded or removed. */
  state?: string;
}

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

export async function startDevWorker({ seed = false, vars = {}, state }: DevWorkerOptions = {}): Promise<DevWorker> {
  const persistTo = state ?? mkdtempSync(path.join(tmpdir(), 'tijori-dev-'));
  let child: ChildProcess | undefined;

  const stop = async () => {
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
    if (!state) rmSync(persistTo, { recursive: true, force: true });
  };

  try {
    if (!state) run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo]);
    if (seed) run('npx', ['tsx', 'scripts/seed.ts', '--persist-to', persistTo]);

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
        ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      ],
      { cwd: ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr = (stderr + d).slice(-8000);
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child, () => stderr);
    return { url, persistTo, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
