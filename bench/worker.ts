// The Worker for the bench, in workerd through Miniflare's API: the bundle `wrangler deploy
// --dry-run` builds (what a deploy uploads), the bindings and vars wrangler.toml declares (read by
// wrangler itself, so nothing is restated here), and its own fresh state, migrated and seeded the way
// `npm start` does it. `wrangler dev` puts a proxy Worker in a second workerd in front of this one
// and attaches the inspector to stream logs; measured side by side in the same run, that costs the
// floor (`/health`) most of its throughput, so the bench drives the Worker directly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { ROOT, wrangler } from '../scripts/lib/wrangler';

export interface BenchWorker {
  url: string;
  stop(): Promise<void>;
  /** The Worker's last log lines about a failed request (a 5xx, an error), to say why a run had errors. */
  failures(): string[];
}

/** Builds the Worker (or another entry, e.g. the counting Worker) once per run; instances share it. */
export interface Bundle {
  dir: string;
  /** The entry module's file name in `dir` (wrangler names it after the entry). */
  main: string;
  remove(): void;
}

export function bundle(entry = 'src/index.ts'): Bundle {
  const dir = mkdtempSync(path.join(tmpdir(), 'tijori-bench-bundle-'));
  wrangler(['deploy', entry, '--dry-run', '--outdir', dir], null);
  const main = `${path.basename(entry, '.ts')}.js`;
  return { dir, main, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bundle's modules in the types wrangler.toml's rules give them; the entry first. */
function modulesOf({ dir, main }: Bundle) {
  const type = (f: string) =>
    f === main ? 'ESModule' : f.endsWith('.wasm') ? 'CompiledWasm' : f.endsWith('.onnx') ? 'Data' : 'Text';
  return readdirSync(dir)
    .filter((f) => !f.endsWith('.map') && f !== 'README.md')
    .map((f) => ({ type: type(f), path: path.join(dir, f) }) as const)
    .sort((a, b) => Number(b.type === 'ESModule') - Number(a.type === 'ESModule'));
}

/** A Worker with fresh state (migrated, seeded with the demo shop) and `vars` over wrangler.toml's. */
export async function startWorker(built: Bundle, vars: Record<string, string>): Promise<BenchWorker> {
  const state = mkdtempSync(path.join(tmpdir(), 'tijori-bench-state-'));
  let mf: Miniflare | undefined;
  const stop = async () => {
    await mf?.dispose();
    rmSync(state, { recursive: true, force: true });
  };
  try {
    wrangler(['d1', 'migrations', 'apply', 'DB'], { remote: false, persistTo: state });
    const seed = spawnSync('npx', ['tsx', 'scripts/seed.ts', '--persist-to', state], { cwd: ROOT, encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`seed failed:\n${seed.stdout}\n${seed.stderr}`);

    const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, 'wrangler.toml'));
    // `--persist-to` keeps each store under v3/<store>, as wrangler lays it out.
    const v3 = (store: string) => path.join(state, 'v3', store);
    let stderr = '';
    const failures: string[] = [];
    const keepFailures = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n')) {
        if (/"status":5\d\d|"level":"error"|Error/.test(line))
          failures.splice(0, failures.length - 19, line.slice(0, 600));
      }
    };
    mf = new Miniflare({
      ...workerOptions,
      modulesRoot: built.dir,
      modules: modulesOf(built),
      bindings: { ...workerOptions.bindings, ...vars },
      host: '127.0.0.1',
      port: 0,
      d1Persist: v3('d1'),
      kvPersist: v3('kv'),
      durableObjectsPersist: v3('do'),
      cachePersist: v3('cache'),
      // The Worker's request log is written as it is in production; the bench keeps only the lines
      // about failures.
      handleRuntimeStdio(out: Readable, err: Readable) {
        out.on('data', keepFailures);
        err.on('data', (d: Buffer) => {
          stderr = (stderr + d).slice(-4000);
          keepFailures(d);
        });
      },
    });
    const url = (await mf.ready).origin;
    const res = await fetch(`${url}/health`);
    if (res.status !== 200) throw new Error(`the Worker answered /health with ${res.status}:\n${stderr}`);
    return { url, stop, failures: () => [...failures] };
  } catch (err) {
    await stop();
    throw err;
  }
}
