// Running wrangler for the seed and the admin CLI: against the local state (`.wrangler/state`, as
// `npm start` uses, or a `--persist-to` directory) or, with `--remote`, the production resources.
// Every failure becomes one WranglerError whose message says what went wrong and what to do.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/d1';
import { inline } from './sql';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'node_modules', '.bin', 'wrangler');
// CI=1: wrangler never prompts (the CLI asks its own questions first); no colours in captured text.
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' };

export type Target = { remote: true } | { remote: false; persistTo?: string };

export const targetFlags = (t: Target): string[] =>
  t.remote ? ['--remote', '--env', 'production'] : ['--local', ...(t.persistTo ? ['--persist-to', t.persistTo] : [])];

export const describeTarget = (t: Target) =>
  t.remote ? 'remote (production)' : `local (${t.persistTo ?? '.wrangler/state'})`;

export class WranglerError extends Error {
  override name = 'WranglerError';
}

/** wrangler's own error text: `--json` puts it on stdout, everything else on stderr as `✘ [ERROR] …`. */
function errorText(stdout: string, stderr: string): string {
  try {
    const text = (JSON.parse(stdout) as { error?: { text?: string } }).error?.text;
    if (text) return text;
  } catch {
    // not JSON
  }
  const lines = stderr.split('\n');
  const at = lines.findIndex((line) => line.includes('[ERROR]'));
  const text = at === -1 ? (stderr.trim() || stdout.trim()).split('\n').slice(-20) : lines.slice(at);
  return text
    .map((line) => line.replace(/^.*\[ERROR\]\s*/, ''))
    .filter((line) => !line.includes('Logs were written'))
    .join('\n')
    .trim();
}

function hintFor(text: string, target: Target): string {
  if (/no such table/i.test(text)) {
    return `\nThe database has no tables yet: apply the migrations first (npm run admin -- migrate${
      target.remote ? ' --remote' : ''
    }${!target.remote && target.persistTo ? ` --persist-to ${target.persistTo}` : ''}).`;
  }
  if (target.remote && /not logged in|authenticat|CLOUDFLARE_API_TOKEN|\[code: 10000\]/i.test(text)) {
    return '\nSign in first (npx wrangler login) or set CLOUDFLARE_API_TOKEN.';
  }
  return '';
}

export interface RunOptions {
  /** Stream wrangler's own output (progress of long steps) instead of capturing it. */
  inherit?: boolean;
}

/**
 * Runs `wrangler <args> <target flags>`; its stdout, or a WranglerError. `null` for commands that
 * take no local/remote target (e.g. `deploy --dry-run`, whose args name the environment).
 */
export function wrangler(args: string[], target: Target | null, { inherit = false }: RunOptions = {}): string {
  const all = [...args, ...(target ? targetFlags(target) : [])];
  const r = spawnSync(BIN, all, {
    cwd: ROOT,
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // Streamed output goes to stderr: the CLI's stdout carries only its results.
    stdio: inherit ? ['ignore', process.stderr, process.stderr] : ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw new WranglerError(`could not run wrangler (${BIN}): ${r.error.message}`);
  if (r.status !== 0) {
    const text = inherit ? '(see wrangler output above)' : errorText(r.stdout, r.stderr);
    const hint = target ? hintFor(text, target) : '';
    throw new WranglerError(`wrangler ${args.slice(0, 3).join(' ')} failed: ${text}${hint}`);
  }
  return r.stdout ?? '';
}

export type Row = Record<string, unknown>;

/**
 * SQL statements run as one D1 batch (all or nothing); each statement's rows, in order. `--command`
 * rather than `--file`: remotely a file goes through D1's import, which blocks the database.
 */
export function d1(target: Target, statements: string[]): Row[][] {
  const out = wrangler(['d1', 'execute', 'DB', '--json', '--command', statements.join(';\n')], target);
  return (JSON.parse(out) as { results: Row[] }[]).map((r) => r.results);
}

interface Statement {
  text: string;
  params: unknown[];
  bind(...params: unknown[]): Statement;
}

const statement = (text: string, params: unknown[] = []): Statement => ({
  text,
  params,
  bind: (...bound) => statement(text, bound),
});

/**
 * A Drizzle client whose `batch([...])` is one `d1` batch of the queries as text (wrangler binds no
 * parameters): selects come back mapped by Drizzle, under the select's own field names, as in the
 * Worker. A batch is all it runs (no single query, no transaction): every call is one wrangler run.
 * Rows are read by position, as drizzle-orm/d1 reads a batch's, so a select must not name two
 * columns alike (wrangler's JSON row would keep one of them).
 */
export function d1Client(target: Target) {
  const client = {
    prepare: (text: string) => statement(text),
    batch: async (statements: Statement[]) =>
      d1(
        target,
        statements.map((s) => inline(s.text, s.params)),
      ).map((results) => ({ results, success: true, meta: {} })),
  };
  return drizzle(client as unknown as Parameters<typeof drizzle>[0]);
}

/**
 * `wrangler d1 export DB --output <file>`. Locally wrangler exports only <config dir>/.wrangler/state
 * (export has no --persist-to), so another state goes through a temporary directory holding a copy
 * of wrangler.toml and a .wrangler/state link to that state.
 */
export function exportD1(target: Target, output: string) {
  const args = ['d1', 'export', 'DB', '--output', path.resolve(output), '--skip-confirmation'];
  if (target.remote || !target.persistTo) return wrangler(args, target.remote ? target : { remote: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'tijori-export-'));
  try {
    mkdirSync(path.join(dir, '.wrangler'));
    symlinkSync(path.resolve(ROOT, target.persistTo), path.join(dir, '.wrangler', 'state'), 'dir');
    copyFileSync(path.join(ROOT, 'wrangler.toml'), path.join(dir, 'wrangler.toml'));
    return wrangler([...args, '--config', path.join(dir, 'wrangler.toml')], { remote: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a .sql file (local only: the seed, a restore). */
export const d1File = (target: Target, file: string) => wrangler(['d1', 'execute', 'DB', '--file', file], target);

export function kvPut(target: Target, key: string, value: string, ttlSeconds?: number) {
  const ttl = ttlSeconds === undefined ? [] : ['--ttl', String(ttlSeconds)];
  wrangler(['kv', 'key', 'put', key, value, '--binding', 'AUTH_KV', ...ttl], target);
}

/** The target environment's vars as wrangler resolves them from wrangler.toml. */
export async function vars(target: Target): Promise<Record<string, unknown>> {
  const { unstable_readConfig } = await import('wrangler');
  const config = unstable_readConfig({
    config: path.join(ROOT, 'wrangler.toml'),
    ...(target.remote ? { env: 'production' } : {}),
  });
  return config.vars;
}
