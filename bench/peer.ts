// The bench's Node peers: the same price model behind a plain Node HTTP server with onnxruntime-node
// (native CPU build, one intra-op thread like the Worker's single-threaded wasm), i.e. what a team
// would run instead of inference in the Worker. Same request and response shape as
// POST /api/v1/predictions/price and the same feature encoding (src/ml/features.ts).
// - bare (default): no auth, no rate limit, no zod schema: the model and HTTP alone.
// - equal work (`--checks SECRET`): the Worker's own access-token verification (src/auth/tokens.ts,
//   jose, pinned algorithm/issuer/audience/typ) and the limiter's exact sliding log
//   (src/rate-limit/sliding-log.ts) per shop in memory, in front of the model. It still has no
//   revocation store, no database and no Durable Object: the difference between this peer and the
//   Worker is what the runtime and its bindings cost, the difference to the bare peer what the checks cost.
// Every item must carry its rate_per_gram (no database to fill one from).
//   npx tsx bench/peer.ts [--checks SECRET]   prints `listening http://127.0.0.1:<port>` once it serves
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import card from '../models/price-1.0.0.json';
import { verifyAccessToken } from '../src/auth/tokens';
import { ApiError } from '../src/http/errors';
import { encode, FEATURE_COUNT, metalValuePaise, type PriceItem } from '../src/ml/features';
import { SlidingLog } from '../src/rate-limit/sliding-log';

const { values: args } = parseArgs({ options: { checks: { type: 'string' } } });
/** The limiter's policy in the equal-work peer: the bench's never-refusing one, counted all the same. */
const LIMIT = { limit: 1_000_000_000, windowSeconds: 60 };
const logs = new Map<string, SlidingLog>();

/** The equal-work checks: a verified access token, then one sliding-log hit for its shop; else why not. */
async function checks(req: IncomingMessage, secret: string): Promise<ApiError | undefined> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return new ApiError(401, 'UNAUTHENTICATED', 'A Bearer access token is required');
  try {
    // 900 s: wrangler.toml's ACCESS_TOKEN_TTL, which the bench's Worker signs with.
    const token = await verifyAccessToken(
      { jwtSecret: secret, jwtSecretPrevious: undefined, accessTokenTtl: 900 },
      m[1]!,
    );
    let log = logs.get(token.shopId);
    if (!log) {
      log = new SlidingLog();
      logs.set(token.shopId, log);
    }
    const hit = log.hit(Date.now(), LIMIT.limit, LIMIT.windowSeconds);
    return hit.allowed ? undefined : new ApiError(429, 'RATE_LIMITED', 'Too many requests');
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

const MAX_BODY = 64 * 1024;
const MAX_ITEMS = 100;

const session = await ort.InferenceSession.create(
  readFileSync(path.resolve(import.meta.dirname, '../models', `price-${card.version}.onnx`)),
  { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
);

const envelope = (status: number, code: string, message: string) =>
  JSON.stringify({ success: false, error: { status, code, message } });

/** The body's items, or why not: just enough checking that the model never sees garbage. */
function itemsOf(body: unknown): PriceItem[] | string {
  const items = (body as { items?: unknown })?.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ITEMS) return `items: 1 to ${MAX_ITEMS}`;
  for (const it of items) {
    if (typeof it?.rate_per_gram !== 'number') return 'every item needs rate_per_gram (the peer has no rates)';
  }
  return items as PriceItem[];
}

async function predict(items: PriceItem[]) {
  const out = await session.run({
    features: new ort.Tensor('float32', encode(items), [items.length, FEATURE_COUNT]),
  });
  const price = out.price!.data as Float32Array;
  return {
    model: { name: card.name, version: card.version },
    predictions: items.map((it, i) => ({
      price: Math.round(price[i]!),
      metal_value: Math.round(metalValuePaise(it.net_weight_mg, it.rate_per_gram)),
      rate_per_gram: it.rate_per_gram,
      rate_source: 'given',
      rate_effective_date: null,
    })),
  };
}

const server = createServer((req, res) => {
  const send = (status: number, body: string) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(body);
  if (req.method !== 'POST' || req.url !== '/api/v1/predictions/price') {
    return send(404, envelope(404, 'NOT_FOUND', 'only POST /api/v1/predictions/price'));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', async () => {
    if (args.checks) {
      const refused = await checks(req, args.checks);
      if (refused) return send(refused.status, envelope(refused.status, refused.code, refused.message));
    }
    if (size > MAX_BODY) return send(413, envelope(413, 'PAYLOAD_TOO_LARGE', `over ${MAX_BODY} bytes`));
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, envelope(400, 'INVALID_JSON', 'the body is not JSON'));
    }
    const items = itemsOf(body);
    if (typeof items === 'string') return send(400, envelope(400, 'VALIDATION_FAILED', items));
    try {
      send(200, JSON.stringify({ success: true, data: await predict(items) }));
    } catch (err) {
      send(500, envelope(500, 'INTERNAL_ERROR', err instanceof Error ? err.message : String(err)));
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
