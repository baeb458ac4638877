// Benchmark harness: starts the Worker under `wrangler dev` with fresh local state, drives each
// scenario with autocannon over loopback, and prints rps / p50 / p99 / errors as a markdown table.
//   npm run bench              5 rounds x 4 s per scenario
//   npm run bench -- --quick   2 rounds x 2 s per scenario
//   npm run bench -- --only storefront   just the scenarios whose name contains "storefront"
// Each server configuration (its `--var NAME:VALUE`s) gets its own wrangler dev and state dir.
// The two sides of a pair (a policy limited vs off) are run in alternating rounds, so load from
// anything else on the machine falls on both alike; each figure is the median over rounds.
// Scenarios that need a route the app does not declare (per /openapi.json) are skipped.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

interface Scenario {
  name: string;
  /** Which server configuration (key of SERVERS) to run against. */
  server: keyof typeof SERVERS;
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** The OpenAPI path that must exist for this scenario to run. */
  requires?: string;
  /** A limiter pair: the same label on the limited and the off run, to report the overhead. */
  pair?: string;
  /** Prepares state on a fresh server and returns request headers (e.g. a bearer token). */
  setup?: (base: string) => Promise<Record<string, string>>;
}

/** Policies high enough that nothing is refused: the limited runs measure the limiter's cost, not 429s. */
const HIGH = '1000000000/60';
const POLICIES = ['LOGIN', 'REGISTER', 'REFRESH', 'API', 'PUBLIC', 'PREDICT'];
const SERVERS = {
  limited: Object.fromEntries(POLICIES.map((p) => [`RATE_LIMIT_${p}`, HIGH])),
  // Registration stays on (limited high) so setup can create the bench owner on either server.
  off: { ...Object.fromEntries(POLICIES.map((p) => [`RATE_LIMIT_${p}`, 'off'])), RATE_LIMIT_REGISTER: HIGH },
  /** wrangler.toml as shipped: the refused (429) path. */
  defaults: {},
} satisfies Record<string, Record<string, string>>;

const WRONG_LOGIN = { email: 'nobody@bench.invalid', password: 'not-the-password-42' };
const OWNER = { email: 'owner@bench.invalid', password: 'bench-password-42!' };

/** The bench shop exists (its storefront answers 200 with an empty catalog); no credentials sent. */
const benchShop = async (base: string) => {
  await ownerToken(base);
  return {};
};

/** A signed-in owner: registered on first use (state persists across servers), else logged in. */
async function ownerToken(base: string): Promise<Record<string, string>> {
  const post = (p: string, body: unknown) =>
    fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let res = await post('/api/v1/auth/register', {
    shop: { name: 'Bench Jewellers', slug: 'bench' },
    name: 'Bench Owner',
    ...OWNER,
  });
  if (res.status === 409) res = await post('/api/v1/auth/login', OWNER);
  const body = (await res.json()) as { data?: { tokens?: { access_token?: string } } };
  const token = body.data?.tokens?.access_token;
  if (!token) throw new Error(`could not sign in the bench owner: ${res.status} ${JSON.stringify(body)}`);
  return { authorization: `Bearer ${token}` };
}

const SCENARIOS: Scenario[] = [
  { name: 'GET /health (floor)', server: 'limited', path: '/health' },
  {
    name: 'GET storefront products, public limited',
    server: 'limited',
    path: '/api/v1/storefront/bench/products',
    setup: benchShop,
    requires: '/api/v1/storefront/{shop_slug}/products',
    pair: 'storefront',
  },
  {
    name: 'GET storefront products, public off',
    server: 'off',
    path: '/api/v1/storefront/bench/products',
    setup: benchShop,
    requires: '/api/v1/storefront/{shop_slug}/products',
    pair: 'storefront',
  },
  {
    // Fails validation after the limiter: the limiter's cost plus the pipeline, no password hashing.
    name: 'POST login (body fails validation), login limited',
    server: 'limited',
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email: 'nobody@bench.invalid' },
    requires: '/api/v1/auth/login',
    pair: 'login-400',
  },
  {
    name: 'POST login (body fails validation), login off',
    server: 'off',
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email: 'nobody@bench.invalid' },
    requires: '/api/v1/auth/login',
    pair: 'login-400',
  },
  {
    name: 'GET /auth/me (signed in), api limited',
    server: 'limited',
    path: '/api/v1/auth/me',
    requires: '/api/v1/auth/me',
    pair: 'me',
    setup: ownerToken,
  },
  {
    name: 'GET /auth/me (signed in), api off',
    server: 'off',
    path: '/api/v1/auth/me',
    requires: '/api/v1/auth/me',
    pair: 'me',
    setup: ownerToken,
  },
  {
    // Past the 5/60 default almost every request is refused: the 429 path's cost.
    name: 'POST login (body fails validation), login 5/60 (refused)',
    server: 'defaults',
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email: 'nobody@bench.invalid' },
    requires: '/api/v1/auth/login',
  },
  {
    // Dominated by the password hash; shows the limiter is noise next to it.
    name: 'POST login (wrong password), login limited',
    server: 'limited',
    method: 'POST',
    path: '/api/v1/auth/login',
    body: WRONG_LOGIN,
    requires: '/api/v1/auth/login',
  },
];

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
/** `--only <text>`: run just the scenarios whose name contains it (case-insensitive). */
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1]?.toLowerCase() : undefined;
const ROUNDS = QUICK ? 2 : 5;
const ROUND_SECONDS = QUICK ? 2 : 4;
const WARMUP = QUICK ? 1 : 3;
const CONNECTIONS = 10;
const ROOT = path.resolve(import.meta.dirname, '..');
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' };

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  base: string;
  stop: () => Promise<void>;
}

async function startServer(persistTo: string, vars: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const child: ChildProcess = spawn(
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
      '--log-level',
      'error',
      '--show-interactive-dev-session=false',
      ...varArgs,
    ],
    { cwd: ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((r) => child.once('exit', r));
  // Signals the process group wrangler leads (its workerd children included), and only it.
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signal('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    signal('SIGKILL');
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${stderr}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return { base, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`wrangler dev did not answer /health within 120 s:\n${stderr}`);
}

interface Row {
  scenario: Scenario;
  skipped?: string;
  rps?: number;
  p50?: number;
  p99?: number;
  errors?: number;
  statuses?: string;
  limited?: boolean;
}

async function drive(base: string, s: Scenario, headers: Record<string, string>, duration: number) {
  return autocannon({
    url: base + s.path,
    method: s.method ?? 'GET',
    headers: s.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: s.body === undefined ? undefined : JSON.stringify(s.body),
    connections: CONNECTIONS,
    duration,
    timeout: 10,
  });
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Prepared {
  scenario: Scenario;
  base: string;
  headers: Record<string, string>;
  limited: boolean;
  rounds: Awaited<ReturnType<typeof autocannon>>[];
}

async function prepare(base: string, s: Scenario): Promise<Prepared> {
  const headers = (await s.setup?.(base)) ?? {};
  const probe = await fetch(base + s.path, {
    method: s.method ?? 'GET',
    headers: s.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: s.body === undefined ? undefined : JSON.stringify(s.body),
  });
  await probe.arrayBuffer();
  await drive(base, s, headers, WARMUP);
  return { scenario: s, base, headers, limited: probe.headers.has('ratelimit-policy'), rounds: [] };
}

function summarise(p: Prepared): Row {
  const statuses = new Map<string, number>();
  for (const r of p.rounds) {
    for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
      statuses.set(code, (statuses.get(code) ?? 0) + count);
    }
  }
  return {
    scenario: p.scenario,
    rps: median(p.rounds.map((r) => r.requests.average)),
    p50: median(p.rounds.map((r) => r.latency.p50)),
    p99: median(p.rounds.map((r) => r.latency.p99)),
    errors: p.rounds.reduce((n, r) => n + r.errors + r.timeouts, 0),
    statuses: [...statuses].map(([code, n]) => `${code}×${n}`).join(' '),
    limited: p.limited,
  };
}

/** Runs a group (a pair, or one scenario) in alternating rounds. */
async function runGroup(group: { scenario: Scenario; base: string }[]): Promise<Row[]> {
  const prepared: Prepared[] = [];
  for (const { scenario, base } of group) prepared.push(await prepare(base, scenario));
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of prepared) p.rounds.push(await drive(p.base, p.scenario, p.headers, ROUND_SECONDS));
  }
  return prepared.map(summarise);
}

function machine() {
  const version = (pkg: string) =>
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
  return {
    date: new Date().toISOString().slice(0, 10),
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    workerd: version('workerd'),
    wrangler: version('wrangler'),
  };
}

function report(rows: Row[]) {
  const m = machine();
  const lines = [
    `Machine: ${m.cores} cores (${m.cpu}), Node ${m.node}, workerd ${m.workerd}, wrangler ${m.wrangler}, ${m.date}.`,
    `autocannon: ${CONNECTIONS} connections, median of ${ROUNDS} rounds x ${ROUND_SECONDS} s per scenario (pairs alternating) after ${WARMUP} s warm-up, loopback, \`wrangler dev\` (local workerd).`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors | statuses | RateLimit headers |',
    '|---|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    if (r.skipped) {
      lines.push(`| ${r.scenario.name} | — | — | — | — | skipped: ${r.skipped} | |`);
      continue;
    }
    lines.push(
      `| ${r.scenario.name} | ${r.rps?.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.statuses} | ${r.limited ? 'yes' : 'no'} |`,
    );
  }
  const pairs = new Map<string, Row[]>();
  for (const r of rows)
    if (r.scenario.pair && !r.skipped) pairs.set(r.scenario.pair, [...(pairs.get(r.scenario.pair) ?? []), r]);
  for (const [pair, [a, b]] of pairs) {
    if (!a || !b) continue;
    const [on, off] = a.scenario.server === 'limited' ? [a, b] : [b, a];
    if (!on.limited) {
      lines.push(
        '',
        `${pair}: the route sends no RateLimit headers, so it declares no rateLimit() yet; no limiter cost measured.`,
      );
      continue;
    }
    lines.push(
      '',
      `${pair}: limiter overhead p50 ${((on.p50 ?? 0) - (off.p50 ?? 0)).toFixed(1)} ms, p99 ${((on.p99 ?? 0) - (off.p99 ?? 0)).toFixed(1)} ms, throughput ${(((on.rps ?? 0) / (off.rps || 1)) * 100).toFixed(0)}% of off.`,
    );
  }
  console.log(lines.join('\n'));
}

async function main() {
  const dirs: string[] = [];
  const servers = new Map<keyof typeof SERVERS, Server>();
  const cleanup = async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    // Every configuration up front, each with its own fresh state: they idle while another is driven.
    const selected = SCENARIOS.filter((s) => !ONLY || s.name.toLowerCase().includes(ONLY));
    const needed = [...new Set(selected.map((s) => s.server))];
    for (const name of needed) {
      const dir = mkdtempSync(path.join(tmpdir(), `tijori-bench-${name}-`));
      dirs.push(dir);
      const migrate = spawnSync(
        'npx',
        ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir],
        {
          cwd: ROOT,
          env: childEnv,
          encoding: 'utf8',
        },
      );
      if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
      console.error(`starting wrangler dev (${name})…`);
      servers.set(name, await startServer(dir, SERVERS[name]));
    }
    const anyServer = servers.values().next().value as Server;
    const doc = (await (await fetch(`${anyServer.base}/openapi.json`)).json().catch(() => ({}))) as {
      paths?: Record<string, unknown>;
    };

    const rows: Row[] = [];
    const groups = new Map<string, { scenario: Scenario; base: string }[]>();
    for (const s of selected) {
      if (s.requires && !doc.paths?.[s.requires]) {
        rows.push({ scenario: s, skipped: `${s.requires} does not exist yet` });
        continue;
      }
      const key = s.pair ?? s.name;
      groups.set(key, [...(groups.get(key) ?? []), { scenario: s, base: servers.get(s.server)!.base }]);
    }
    for (const [key, group] of groups) {
      console.error(`  ${key}…`);
      rows.push(...(await runGroup(group)));
    }
    rows.sort((a, b) => SCENARIOS.indexOf(a.scenario) - SCENARIOS.indexOf(b.scenario));
    report(rows);
  } finally {
    await cleanup();
  }
}

await main();
