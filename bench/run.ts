// `npm run bench`: the Worker under load, as ratios to its own floor, and a Node peer for the model.
//   npm run bench              3 rounds x 5 s per scenario; rewrites the generated part of BENCHMARKS.md
//   npm run bench -- --quick   1 round x 2 s per scenario, prints only; exits 1 on any error (CI smoke)
//   npm run bench -- --only storefront   /health plus the scenarios whose name contains "storefront"
// The Worker runs in workerd through Miniflare (bench/worker.ts) with fresh, seeded state; a second
// instance has every rate-limit policy `off`, for the limiter's cost. The load generator (autocannon)
// runs in this process, over loopback, bounded in time. Every round drives every scenario once, in
// order, so a busy moment on the host falls on the floor and the scenarios alike; each figure is the
// median over rounds, and each ratio the median of the per-round ratios.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon, { type Request, type Result } from 'autocannon';
import { ROOT } from '../scripts/lib/wrangler';
import { DEVELOPMENT_JWT_SECRET } from '../src/config';
import parity from '../test/fixtures/price-1.0.0-parity.json';
import { startDevWorker } from '../test/support/dev-worker';
import { bundle, startWorker } from './worker';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1]?.toLowerCase() : undefined;
const ROUNDS = QUICK ? 1 : 3;
const ROUND_SECONDS = QUICK ? 2 : 5;
const WARMUP_SECONDS = QUICK ? 1 : 2;

/** Never refuses within a run: limited routes pay for the limiter's Durable Object, never a 429. */
const GENEROUS = '1000000000/60';
const POLICIES = ['LOGIN', 'REGISTER', 'REFRESH', 'API', 'PUBLIC', 'PREDICT'];
const policies = (value: string) => Object.fromEntries(POLICIES.map((p) => [`RATE_LIMIT_${p}`, value]));

/** scripts/seed.ts's demo shop and sign-ins (as the browser tests use them). */
const SHOP = 'demo';
const OWNER = { email: 'owner@demo.tijori.app', password: 'Demo-Owner-2026!' };
const CASHIER = { email: 'cashier@demo.tijori.app', password: 'Demo-Cashier-2026!' };

type Target = 'worker' | 'off' | 'wrangler' | 'peer' | 'peer-checked' | 'counting';

interface Setup {
  owner: string;
  cashier: string;
  productId: string;
  customerId: string;
}

interface Scenario {
  name: string;
  target: Target;
  connections: number;
  requests: (s: Setup) => Request[];
  /** The seeds' scenario targets: p99 under `p99` ms at `rps` or more. */
  seed?: { p99: number; rps: number };
  /** Shown in full runs only (a comparison, not a smoke test). */
  fullOnly?: boolean;
}

const json = (token: string | undefined, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
  ...extra,
});
const get = (path: string, token?: string): Request => ({ method: 'GET', path, headers: json(token) });
const post = (path: string, body: unknown, token?: string, method = 'POST'): Request => ({
  method,
  path,
  headers: json(token),
  body: JSON.stringify(body),
});

/** One of `n` client addresses per request: `n` visitors, each its own limiter key (as in production). */
const fromClients = (n: number, r: Request): Request => {
  const ips = Array.from({ length: n }, (_, i) => `10.77.${i >> 8}.${i & 255}`);
  return {
    ...r,
    setupRequest: (req) => ({
      ...req,
      headers: { ...req.headers, 'cf-connecting-ip': ips[Math.floor(Math.random() * n)]! },
    }),
  };
};

let sequence = 0;
/** A fresh Idempotency-Key on every send: each request is a new sale, never a replay. */
const uniqueKey = (r: Request): Request => ({
  ...r,
  setupRequest: (req) => ({
    ...req,
    headers: { ...req.headers, 'idempotency-key': `bench-${Date.now()}-${sequence++}` },
  }),
});

/** Parity rows (each with its rate_per_gram, so the Worker and the peer run the same model work). */
const ITEMS = parity.cases.map((c) => c.item);
const batches = (size: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ items: ITEMS.slice(i * size, i * size + size) }));
const predictions = (size: number, token?: string) =>
  batches(size, Math.min(20, ITEMS.length / size)).map((b) => post('/api/v1/predictions/price', b, token));

const storefront = `/api/v1/storefront/${SHOP}/products`;

const SCENARIOS: Scenario[] = [
  { name: 'GET /health (floor)', target: 'worker', connections: 10, requests: () => [get('/health')] },
  {
    name: 'GET /health through `wrangler dev` (not kept)',
    target: 'wrangler',
    connections: 10,
    requests: () => [get('/health')],
    fullOnly: true,
  },
  {
    name: 'storefront list, public policy on',
    target: 'worker',
    connections: 10,
    requests: () => [fromClients(10, get(storefront))],
  },
  {
    name: 'storefront list, public policy off',
    target: 'off',
    connections: 10,
    requests: () => [fromClients(10, get(storefront))],
  },
  {
    name: 'catalog list (signed in)',
    target: 'worker',
    connections: 10,
    requests: (s) => [get('/api/v1/products', s.cashier)],
  },
  {
    name: 'product detail (signed in)',
    target: 'worker',
    connections: 10,
    requests: (s) => [get('/api/v1/products/demo-prod-01', s.cashier)],
  },
  { name: 'prediction, batch 1', target: 'worker', connections: 10, requests: (s) => predictions(1, s.cashier) },
  { name: 'prediction, batch 1, Node peer', target: 'peer', connections: 10, requests: () => predictions(1) },
  {
    name: 'prediction, batch 1, Node peer with equal checks',
    target: 'peer-checked',
    connections: 10,
    requests: (s) => predictions(1, s.cashier),
  },
  { name: 'prediction, batch 100', target: 'worker', connections: 10, requests: (s) => predictions(100, s.cashier) },
  { name: 'prediction, batch 100, Node peer', target: 'peer', connections: 10, requests: () => predictions(100) },
  {
    name: 'prediction, batch 100, Node peer with equal checks',
    target: 'peer-checked',
    connections: 10,
    requests: (s) => predictions(100, s.cashier),
  },
  {
    name: 'sale (unique Idempotency-Key)',
    target: 'worker',
    connections: 10,
    requests: (s) => [
      uniqueKey(
        post('/api/v1/sales', { items: [{ product_id: s.productId, quantity: 1 }], payment_method: 'cash' }, s.cashier),
      ),
    ],
  },
  {
    name: 'khata payment',
    target: 'worker',
    connections: 10,
    requests: (s) => [post(`/api/v1/customers/${s.customerId}/khata`, { type: 'payment', amount: 100 }, s.cashier)],
  },
  {
    name: 'login (scrypt, by design)',
    target: 'worker',
    connections: 10,
    requests: () => [fromClients(1000, post('/api/v1/auth/login', CASHIER))],
  },
  {
    name: 'seeds: 100 users browsing',
    target: 'worker',
    connections: 100,
    seed: { p99: 200, rps: 500 },
    requests: () =>
      [
        get(storefront),
        get(`${storefront}?category=ring`),
        get(`${storefront}/demo-prod-01`),
        get(`${storefront}?sort=-price&limit=10`),
        get(`${storefront}/demo-prod-07`),
      ].map((r) => fromClients(100, r)),
  },
  {
    name: 'seeds: 50 users predicting',
    target: 'worker',
    connections: 50,
    seed: { p99: 500, rps: 100 },
    requests: (s) => predictions(1, s.cashier),
  },
  {
    name: 'seeds: 10 admins',
    target: 'worker',
    connections: 10,
    seed: { p99: 300, rps: 50 },
    requests: (s) => [
      get('/api/v1/products?sort=-created', s.owner),
      get('/api/v1/customers', s.owner),
      get('/api/v1/sales?limit=50', s.owner),
      get('/api/v1/rates/latest', s.owner),
      get('/api/v1/audit', s.owner),
      post('/api/v1/customers/demo-cust-02', { address: 'Karol Bagh, New Delhi' }, s.owner, 'PATCH'),
    ],
  },
];

async function call(base: string, r: Request) {
  const res = await fetch(base + r.path, { method: r.method, headers: r.headers, body: r.body });
  const body = (await res.json().catch(() => null)) as { data?: Record<string, unknown> } | null;
  if (!res.ok) throw new Error(`${r.method} ${r.path} answered ${res.status}: ${JSON.stringify(body)}`);
  return body?.data ?? {};
}

/** Signs in the demo owner and cashier, and makes what the write scenarios spend: stock and a balance. */
async function prepareShop(base: string): Promise<Setup> {
  const token = async (who: { email: string; password: string }) =>
    ((await call(base, post('/api/v1/auth/login', who))).tokens as { access_token: string }).access_token;
  const owner = await token(OWNER);
  const product = await call(
    base,
    post(
      '/api/v1/products',
      {
        sku: 'BENCH-001',
        name: 'Bench Coin',
        category: 'coin',
        metal: 'gold',
        purity: 999,
        gross_weight_mg: 1000,
        net_weight_mg: 1000,
        base_price: 1_300_000,
        stock: 1_000_000,
      },
      owner,
    ),
  );
  const customer = await call(
    base,
    post(
      '/api/v1/customers',
      { name: 'Bench Customer', phone: '+919000000001', credit_limit: 1_000_000_000_000 },
      owner,
    ),
  );
  await call(base, post(`/api/v1/customers/${customer.id}/khata`, { type: 'credit', amount: 100_000_000_000 }, owner));
  return { owner, cashier: await token(CASHIER), productId: String(product.id), customerId: String(customer.id) };
}

interface Server {
  url: string;
  stop(): Promise<void>;
  /** A Worker's log lines about failed requests (bench/worker.ts); the peers have none. */
  failures?(): string[];
}

/** The round trips of the scenario's first request, sent twice (the second is the warm one counted). */
async function roundTrips(base: string, scenario: Scenario, setup: Setup) {
  let trips = '';
  for (let i = 0; i < 2; i++) {
    const r = scenario.requests(setup)[0]!;
    const sent = r.setupRequest ? r.setupRequest(r) : r;
    const res = await fetch(base + sent.path, { method: sent.method, headers: sent.headers, body: sent.body });
    await res.arrayBuffer();
    trips = res.headers.get('bench-round-trips') ?? '?';
  }
  return trips;
}

/** bench/peer.ts in its own process (never this one's event loop, which drives the load). */
async function startPeer(args: string[] = []): Promise<Server> {
  const child: ChildProcess = spawn('npx', ['tsx', 'bench/peer.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const stop = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    try {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    await exited;
  };
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the Node peer exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening (\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  return { url, stop };
}

interface Measured {
  scenario: Scenario;
  base: string;
  requests: Request[];
  rounds: Result[];
  /** Server-Timing of one request sent alone after the load: the Worker's own account of its time. */
  serverTiming?: string;
  /** Binding calls of one warm request, from the counting Worker. */
  trips?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One timed run. autocannon stops sending at the deadline but requests already sent still run on
 * the server (a login's scrypt for seconds); waiting out the slowest latency seen keeps that work
 * from landing on the next scenario's clock.
 */
async function drive(m: Measured, seconds: number) {
  const result = await autocannon({
    url: m.base,
    requests: m.requests,
    connections: m.scenario.connections,
    duration: seconds,
    timeout: 30,
  });
  await sleep(Math.min(result.latency.max, 30_000));
  return result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const errorsOf = (r: Result) => r.errors + r.timeouts + r.non2xx;

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: string;
  timing: string;
  trips: string;
  m: Measured;
}

function summarise(all: Measured[]): Row[] {
  return all.map((m) => {
    const statuses = new Map<string, number>();
    for (const r of m.rounds) {
      for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
        statuses.set(code, (statuses.get(code) ?? 0) + count);
      }
    }
    const total = /(?:^|,\s*)total;dur=([\d.]+)/.exec(m.serverTiming ?? '')?.[1];
    return {
      name: m.scenario.name,
      rps: median(m.rounds.map((r) => r.requests.average)),
      p50: median(m.rounds.map((r) => r.latency.p50)),
      p99: median(m.rounds.map((r) => r.latency.p99)),
      errors: m.rounds.reduce((n, r) => n + errorsOf(r), 0),
      statuses: [...statuses].map(([code, n]) => `${code}×${n}`).join(' '),
      timing: total === undefined ? '–' : Number(total).toFixed(1),
      trips: m.trips ?? '–',
      m,
    };
  });
}

/** A markdown table with its columns padded, as biome formats them (`right`: numeric columns). */
function table(header: string[], rows: string[][], right: boolean[]) {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const version = (pkg: string) =>
  JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

function report(rows: Row[]): { text: string; failed: string[] } {
  const byName = (prefix: string) => rows.find((r) => r.name.startsWith(prefix));
  const perRound = (a: Row | undefined, b: Row | undefined) =>
    a && b ? a.m.rounds.map((r, i) => r.requests.average / (b.m.rounds[i]!.requests.average || 1)) : [];
  const roundRatio = (a: Row | undefined, b: Row | undefined) => {
    const ratios = perRound(a, b);
    return ratios.length ? median(ratios) : NaN;
  };
  const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

  const main = table(
    ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'errors', '× /health', 'alone ms', 'round trips', 'statuses'],
    rows.map((r) => [
      r.name,
      String(r.m.scenario.connections),
      f(r.rps),
      f(r.p50),
      f(r.p99),
      String(r.errors),
      r === rows[0] ? '1' : f(roundRatio(r, rows[0]), 2),
      r.timing,
      r.trips,
      r.statuses,
    ]),
    [false, true, true, true, true, true, true, true, false, false],
  );

  /** "missed by 23%": how far a measured value is from its target, as a share of the target. */
  const by = (measured: number, wanted: number) => `**missed** by ${f((Math.abs(wanted - measured) / wanted) * 100)}%`;
  /** The median of the per-round ratios, each round's in brackets (how much the host moved them). */
  const ratioTarget = (label: string, a: Row | undefined, b: Row | undefined, min: number) => {
    const ratios = perRound(a, b);
    const value = ratios.length ? median(ratios) : NaN;
    const rounds = ratios.length > 1 ? ` (${ratios.map((x) => f(x, 2)).join(', ')})` : '';
    return [label, `≥ ${min}`, `${f(value, 2)}${rounds}`, value >= min ? 'met' : by(value, min)];
  };
  const floor = rows[0];
  const storefrontOn = byName('storefront list, public policy on');
  const off = byName('storefront list, public policy off');
  const targets: string[][] = [
    ratioTarget('storefront list (warm) ÷ /health', storefrontOn, floor, 0.6),
    ratioTarget('catalog list (signed in) ÷ /health', byName('catalog list (signed in)'), floor, 0.35),
    ratioTarget('prediction (batch 1) ÷ /health', byName('prediction, batch 1'), floor, 0.5),
    ratioTarget('limiter cost: storefront policy on ÷ off', storefrontOn, off, 0.8),
    ratioTarget('sale ÷ /health', byName('sale'), floor, 0.15),
  ];
  for (const r of rows.filter((row) => row.m.scenario.seed)) {
    const seed = r.m.scenario.seed!;
    targets.push([
      r.name,
      `p99 < ${seed.p99} ms, ≥ ${seed.rps} req/s`,
      `p99 ${f(r.p99)} ms, ${f(r.rps)} req/s`,
      `p99 ${r.p99 < seed.p99 ? 'met' : by(r.p99, seed.p99)}, req/s ${r.rps >= seed.rps ? 'met' : by(r.rps, seed.rps)}`,
    ]);
  }
  const cell = (r: Row | undefined) => `${f(r?.rps ?? NaN)} / ${f(r?.p50 ?? NaN)} / ${f(r?.p99 ?? NaN)}`;
  const peers = [1, 100].map((n) => {
    const worker = byName(`prediction, batch ${n}`);
    const bare = rows.find((r) => r.name === `prediction, batch ${n}, Node peer`);
    const checked = rows.find((r) => r.name === `prediction, batch ${n}, Node peer with equal checks`);
    return [
      `batch ${n}`,
      cell(worker),
      cell(checked),
      cell(bare),
      f(roundRatio(worker, checked), 2),
      f(roundRatio(checked, bare), 2),
    ];
  });

  const failed = rows.filter((r) => r.errors > 0).map((r) => `${r.name}: ${r.errors} errors (${r.statuses})`);
  const core = cpus();
  const text = [
    `Machine: ${core.length} cores (${core[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, workerd ${version('workerd')} (Miniflare ${version('miniflare')}), onnxruntime-node ${version('onnxruntime-node')}, ${new Date().toISOString().slice(0, 10)}.`,
    `Run: ${QUICK ? 'quick, ' : ''}${ROUNDS} round(s) x ${ROUND_SECONDS} s per scenario after ${WARMUP_SECONDS} s of warm-up, every scenario once per round in this order; medians over rounds. Load: autocannon over loopback from the harness process; the Worker in workerd (Miniflare), the peer in its own Node process, all on these cores.`,
    `Rate limits: every policy at ${GENEROUS} (never refuses; each limited request still makes its Durable Object call), except the "policy off" row's Worker, which has every policy \`off\`. Login is limited at the same ${GENEROUS} (the shipped 5/60 would refuse the load) from 1,000 client addresses.`,
    '"× /health": req/s divided by the floor\'s in the same round (median of rounds). "alone ms": the Worker\'s own `Server-Timing` total for one request sent with no other load. "round trips": the binding calls one warm request makes (D1 statements and batches, KV reads and writes, Cache API calls, Durable Object calls), counted by a separate instance of the Worker whose bindings are wrapped (bench/counting-worker.ts), on the scenario\'s first request after one of the same kind.',
    '',
    main,
    '',
    'Targets:',
    '',
    table(['target', 'wanted', 'measured', ''], targets, [false, false, false, false]),
    '',
    'The price model, Worker route vs the Node peers (same bodies, same 10 connections; req/s / p50 ms / p99 ms). "equal checks" verifies the same access token with the same code and counts the same sliding log in memory; "bare" does neither. Worker ÷ equal-checks peer is what the runtime and its bindings cost; equal-checks ÷ bare peer is what the checks cost:',
    '',
    table(
      ['', 'Worker', 'Node peer, equal checks', 'Node peer, bare', 'Worker ÷ equal peer', 'equal ÷ bare peer'],
      peers,
      [false, true, true, true, true, true],
    ),
  ].join('\n');
  return { text, failed };
}

const BEGIN = '<!-- bench:begin (generated by npm run bench; edits between these markers are overwritten) -->';
const END = '<!-- bench:end -->';

function writeBenchmarks(text: string) {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const doc = readFileSync(file, 'utf8');
  const at = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (at === -1 || end === -1) throw new Error(`BENCHMARKS.md has no ${BEGIN} … ${END} section to fill`);
  writeFileSync(file, `${doc.slice(0, at + BEGIN.length)}\n\n${text}\n\n${doc.slice(end)}`);
}

async function main() {
  const stops: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const selected = SCENARIOS.filter(
      (s, i) => i === 0 || ((!QUICK || !s.fullOnly) && (!ONLY || s.name.toLowerCase().includes(ONLY))),
    );
    const needed = new Set(selected.map((s) => s.target));
    console.error('building the Worker…');
    const built = bundle();
    stops.push(built.remove);
    const counting = bundle('bench/counting-worker.ts');
    stops.push(counting.remove);
    const bases = new Map<Target, string>();
    const servers = new Map<Target, Server>();
    const start = async (target: Target, run: () => Promise<Server>) => {
      if (!needed.has(target)) return;
      console.error(`starting ${target}…`);
      const server = await run();
      stops.push(server.stop);
      bases.set(target, server.url);
      servers.set(target, server);
    };
    await start('worker', () => startWorker(built, policies(GENEROUS)));
    await start('off', () => startWorker(built, policies('off')));
    await start('wrangler', () => startDevWorker({ vars: policies(GENEROUS) }));
    await start('peer', () => startPeer());
    // wrangler.toml's development secret is the one the bench's Worker signs with.
    await start('peer-checked', () => startPeer(['--checks', DEVELOPMENT_JWT_SECRET]));
    needed.add('counting');
    await start('counting', () => startWorker(counting, policies(GENEROUS)));
    const setup = await prepareShop(bases.get('worker')!);
    const countingSetup = await prepareShop(bases.get('counting')!);

    const measured: Measured[] = [];
    for (const scenario of selected) {
      const m: Measured = {
        scenario,
        base: bases.get(scenario.target)!,
        requests: scenario.requests(setup),
        rounds: [],
      };
      for (const r of m.requests) await call(m.base, r.setupRequest ? r.setupRequest(r) : r);
      console.error(`  warming up: ${scenario.name}`);
      await drive(m, WARMUP_SECONDS);
      measured.push(m);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      console.error(`round ${round}/${ROUNDS}`);
      for (const m of measured) m.rounds.push(await drive(m, ROUND_SECONDS));
    }
    for (const m of measured) {
      const r = m.requests[0]!;
      const sent = r.setupRequest ? r.setupRequest(r) : r;
      const res = await fetch(m.base + sent.path, { method: sent.method, headers: sent.headers, body: sent.body });
      await res.arrayBuffer();
      m.serverTiming = res.headers.get('server-timing') ?? undefined;
      if (m.scenario.target === 'worker') m.trips = await roundTrips(bases.get('counting')!, m.scenario, countingSetup);
    }

    const { text, failed } = report(summarise(measured));
    console.log(text);
    if (!QUICK && !ONLY) {
      writeBenchmarks(text);
      console.error('\nwritten to BENCHMARKS.md');
    }
    if (failed.length) {
      console.error(`\nerrors:\n  ${failed.join('\n  ')}`);
      for (const [target, server] of servers) {
        const lines = server.failures?.() ?? [];
        if (lines.length) console.error(`\n${target}'s last failure log lines:\n  ${lines.join('\n  ')}`);
      }
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
  }
}

await main();
