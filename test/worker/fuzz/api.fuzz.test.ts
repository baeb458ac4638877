// Issue 8, part 3: every operation of /openapi.json fuzzed with thousands of random, malformed and
// near-valid requests (bodies, query strings, path params, headers). Whatever arrives: never a 5xx,
// every non-2xx is the contract's error envelope, every body is JSON, and a refused request writes
// nothing — no D1 row in any table, no KV revocation mark. Issue 11, item 6: every answer is a status
// (and an error code) that the operation answering it documents in /openapi.json, so a client
// generated from the document meets no status it was not told of. Seeds are fixed; fast-check prints the
// seed and path of a failure, and a run replays with them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../../../src/http/errors';
import { DOCUMENT_CSP } from '../../../src/http/security-headers';
import { PASSWORD } from '../fixtures';
import { callJson } from '../helpers';
import { newPhone } from '../shop/sales-fixtures';
import {
  contentType,
  type Generators,
  generators,
  type Hints,
  headerText,
  malformedBodyText,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  type Parameter,
  toJsonText,
} from './openapi-arbitraries';
import { buildWorld, type Resource, send, WHO, type Who, type World, WriteWatch } from './world';

const MALFORMED = { seed: 20_261_122, numRuns: 2000 };
// About 24 runs per operation: a near-valid request of every operation must reach its handler.
const NEAR_VALID = { seed: 8_000_308, numRuns: 1300 };
const TIMEOUT_MS = 240_000;

/**
 * Refusals that write by design (README, Audit): a failed or refused sign-in, a wrong current
 * password, and an account refused for a taken email (SECURITY.md) are audited.
 */
const AUDITED_REFUSALS: Record<string, string[]> = {
  'POST /api/v1/auth/login': ['audit_log'],
  'POST /api/v1/auth/password': ['audit_log'],
  'POST /api/v1/users': ['audit_log'],
};
/**
 * The documented 503s: a dependency could not answer in time (KV for revocation, the limiter's
 * Durable Object on fail-closed routes, the model). Allowed, in the envelope, and counted in the log.
 */
const DOCUMENTED_503 = ['AUTH_UNAVAILABLE', 'RATE_LIMITER_UNAVAILABLE', 'MODEL_UNAVAILABLE'];
/** Operations whose success ends the caller's session; the fuzz signs that caller in again. */
const ENDS_SESSION = ['POST /api/v1/auth/logout', 'POST /api/v1/auth/logout-all', 'POST /api/v1/auth/password'];

type Auth = { who: Who; scheme?: string } | { header: string } | { none: true };

interface Spec {
  op: string;
  method: string;
  path: string;
  /** The path parameters as sent. */
  params: Record<string, string>;
  query: string;
  headers: [string, string][];
  auth: Auth;
  /** `stream`: sent chunked, without a Content-Length, so only reading it tells its size. */
  body?: { text: string; contentType?: string; stream?: boolean };
}

let doc: OpenApiDocument;
let ops: Operation[];
let opByKey: Map<string, Operation>;
let world: World;
let g: Generators;
let writes: WriteWatch;
const sent = { malformed: new Set<string>(), nearValid: new Set<string>() };
/**
 * Operations a near-valid request got past validation and the role check on: the generators reach
 * the handlers (their rules, their queries), not only the schemas.
 */
const reachedHandler = new Set<string>();
const BEFORE_HANDLER = ['VALIDATION_FAILED', 'FORBIDDEN'];
const outcomes = new Map<string, number>();
let requests = 0;
/** Responses checked against what their operation documents (every request but CORS preflights). */
let documentedChecks = 0;
/** The document's path templates as patterns, the most literal first (`/rates/latest` before `/rates/{id}`). */
let templates: { path: string; pattern: RegExp }[];

const describeSpec = (s: Spec) =>
  JSON.stringify({ ...s, body: s.body && { ...s.body, text: s.body.text.slice(0, 300) } }).slice(0, 2000);

const streamOf = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.slice(i, i + 16_384));
      controller.close();
    },
  });
};

/** Sends one request, checks its response and what it wrote; returns the error code if refused. */
async function request(spec: Spec): Promise<string | undefined> {
  const headers = new Headers(spec.headers);
  const { auth } = spec;
  if ('who' in auth) headers.set('Authorization', `${auth.scheme ?? 'Bearer'} ${world.session(auth.who).access}`);
  if ('header' in auth) headers.set('Authorization', auth.header);
  if (spec.body?.contentType !== undefined) headers.set('Content-Type', spec.body.contentType);
  const hasBody = spec.body !== undefined && spec.method !== 'GET' && spec.method !== 'HEAD';
  const res = await send(spec.path + spec.query, {
    method: spec.method,
    headers,
    body: hasBody ? (spec.body!.stream ? streamOf(spec.body!.text) : spec.body!.text) : undefined,
  });
  requests++;
  const text = await res.text();
  const where = `${res.status} ${text.slice(0, 500)}\nfor ${describeSpec(spec)}`;
  const media = res.status < 300 && spec.op.startsWith(`${spec.method} `) ? opByKey.get(spec.op)!.media : [];
  const json = checkResponse(res, text, spec.method, headers, where, media);
  checkDocumented(spec.method, spec.path + spec.query, res.status, json?.error?.code, where);
  const outcome = `${spec.op} → ${res.status} ${json?.error?.code ?? ''}`.trim();
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  // A changed method may reach another route (or none): the operation's exceptions are not its.
  const asDocumented = spec.op.startsWith(`${spec.method} `);

  const written = await writes.written();
  if (res.status >= 400) {
    const allowed = (asDocumented && AUDITED_REFUSALS[spec.op]) || [];
    expect(
      written.filter((t) => !allowed.includes(t)),
      `a refusal wrote: ${where}`,
    ).toEqual([]);
    return json?.error?.code;
  }
  if (!asDocumented) return undefined;
  if (ENDS_SESSION.includes(spec.op) && 'who' in auth) {
    const body = spec.body && (JSON.parse(spec.body.text) as { new_password?: string } | null);
    await world.renew(auth.who, body?.new_password);
  }
  // A deleted or voided row no longer reaches deep: the world puts a fresh one in its place.
  const op = opByKey.get(spec.op)!;
  const resource = resourceOf(op);
  if (resource && spec.params.id && (op.method === 'DELETE' || op.path.endsWith('/void'))) {
    await world.replace(resource, decodeURIComponent(spec.params.id));
  }
  await writes.written();
  return undefined;
}

/**
 * The contract's checks on one response; returns the parsed body (undefined when there is none). A
 * success of an operation that documents an HTML page is that page, under the documents' CSP; one
 * that documents a CSV or XML body (the reports) may be that body.
 */
function checkResponse(
  res: Response,
  text: string,
  method: string,
  sentHeaders: Headers,
  where: string,
  media: string[],
): any {
  const requestId = res.headers.get('x-request-id');
  expect(requestId, where).toEqual(expect.any(String));
  const incoming = sentHeaders.get('x-request-id');
  if (incoming && /^[A-Za-z0-9._:-]{8,128}$/.test(incoming)) expect(requestId, where).toBe(incoming);
  if (res.status === 204 || res.status === 304 || method === 'HEAD') {
    expect(res.status, `5xx: ${where}`).toBeLessThan(500);
    expect(text, where).toBe('');
    return undefined;
  }
  const type = res.headers.get('content-type') ?? '';
  if (media.includes('text/html') && type.startsWith('text/html')) {
    expect(res.headers.get('content-security-policy'), where).toBe(DOCUMENT_CSP);
    expect(text, where).toMatch(/^<!doctype html>/);
    return undefined;
  }
  if (media.some((t) => t !== 'text/html' && type.startsWith(t))) return undefined;
  expect(type, where).toMatch(/^application\/json\b/);
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    expect.fail(`not JSON: ${where}`);
  }
  if (res.status >= 500) {
    expect(res.status === 503 && DOCUMENTED_503.includes(body.error?.code), `5xx: ${where}`).toBe(true);
  }
  if (res.status < 300) {
    expect(body.success, where).toBe(true);
    expect(body, where).toHaveProperty('data');
    return body;
  }
  // The error envelope of /work/shared/API.md, exactly.
  expect(Object.keys(body).sort(), where).toEqual(['error', 'success']);
  expect(body.success, where).toBe(false);
  const { error } = body;
  expect(
    Object.keys(error).every((k) => ['status', 'code', 'message', 'details', 'request_id'].includes(k)),
    where,
  ).toBe(true);
  expect(error.status, where).toBe(res.status);
  expect(error.code, where).toMatch(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/);
  expect(error.message, where).toEqual(expect.any(String));
  expect(error.message.length, where).toBeGreaterThan(0);
  expect(error.request_id, where).toBe(requestId);
  if ('details' in error) {
    expect(Array.isArray(error.details) && error.details.length > 0, where).toBe(true);
    for (const d of error.details) {
      expect(d.message, where).toEqual(expect.any(String));
      if ('path' in d) expect(d.path, where).toEqual(expect.any(String));
    }
  }
  if (res.status === 429) expect(res.headers.get('retry-after'), where).toMatch(/^\d+$/);
  if (res.status === 405) expect(res.headers.get('allow'), where).toEqual(expect.any(String));
  return body;
}

/**
 * What the app's own middleware answers before any route is found: a bad body (PUT's raw body is its
 * route's to judge), a broken config.
 */
const beforeRouting = (method: string): [number, string[]][] => [
  ...(['GET', 'HEAD', 'PUT'].includes(method)
    ? []
    : ([
        [400, ['MALFORMED_JSON']],
        [413, ['PAYLOAD_TOO_LARGE']],
        [415, ['UNSUPPORTED_MEDIA_TYPE']],
      ] as [number, string[]][])),
  [500, ['INTERNAL_ERROR', 'MISCONFIGURED']],
];

/**
 * Which documented operation answers `method url` as the router sees it (a changed method, a path
 * value with `..` or a trailing slash may land on another route, or none), and the statuses (with
 * their codes) a client was told of. A path the document has, asked with another method, may answer
 * 405 — documented on that path's operations; no path at all is 404.
 */
function answering(method: string, url: string): { key: string; responses: Map<number, string[]> } {
  const path = new URL(url, 'http://fuzz').pathname;
  const asked = method === 'HEAD' ? 'GET' : method;
  if (asked === 'OPTIONS')
    return { key: 'OPTIONS (CORS preflight)', responses: new Map([[204, []], ...beforeRouting(method)]) };
  const matching = templates.filter((t) => t.pattern.test(path));
  const op = matching.map((t) => opByKey.get(`${asked} ${t.path}`)).find((o) => o !== undefined);
  if (op) return { key: op.key, responses: op.responses };
  if (matching.length > 0) {
    const others = matching.flatMap((t) => ops.filter((o) => o.path === t.path));
    for (const o of others) expect(o.responses.get(405), `${o.key} documents 405`).toEqual(['METHOD_NOT_ALLOWED']);
    return {
      key: `${asked} ${matching[0]!.path} (not served)`,
      responses: new Map([[405, ['METHOD_NOT_ALLOWED']], ...beforeRouting(method)]),
    };
  }
  return { key: `${asked} ${path} (no route)`, responses: new Map([[404, ['NOT_FOUND']], ...beforeRouting(method)]) };
}

/** The status (and the error code) is one the answering operation documents, and the code's status is the registry's. */
function checkDocumented(method: string, url: string, status: number, code: string | undefined, where: string) {
  const { key, responses } = answering(method, url);
  const codes = responses.get(status);
  expect(codes, `${key} answered ${status}, which it does not document: ${where}`).toBeDefined();
  if (code !== undefined) {
    expect(ERROR_STATUS[code as ErrorCode], `${code} is not a ${status} in src/http/errors.ts: ${where}`).toBe(status);
    expect(codes, `${key} answered ${status} ${code}, a code it does not document: ${where}`).toContain(code);
  }
  documentedChecks++;
}

// --- Arbitraries that need the world ---------------------------------------------------------

/** The resource a path names (`/api/v1/<resource>/…`; the storefront shows products). */
const resourceOf = (op: Operation): Resource | undefined => {
  const segment = op.path.split('/')[3] ?? '';
  const resource = segment === 'storefront' ? 'products' : segment;
  return resource in world.ids ? (resource as Resource) : undefined;
};

/** Mostly an id that exists now (read when the value is drawn: pools change), else one that must not. */
const existing = (pool: () => string[]) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.nat().map((i) => pool()[i % pool().length]!) },
    { weight: 1, arbitrary: fc.constantFrom(...world.otherIds, 'no-such-id') },
  );

const someDate = fc
  .date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true })
  .chain((d) => fc.constantFrom(d.toISOString().slice(0, 10), d.toISOString()));

const hints: Hints = (name, op) => {
  switch (name) {
    case 'id': {
      const resource = resourceOf(op);
      return existing(() => (resource ? world.ids[resource] : ['no-such-id']));
    }
    case 'product_id':
      return existing(() => world.ids.products);
    case 'customer_id':
      return existing(() => world.ids.customers);
    case 'actor':
      return existing(() => [...world.ids.users, ...WHO.map((w) => world.session(w).user.id as string)]);
    // Values inside the rules the document cannot state (purity by metal, net ≤ gross, stock),
    // so a valid body gets past validation to the handler.
    case 'purity':
      return fc.constantFrom(916, 925, 999);
    case 'gross_weight_mg':
      return fc.integer({ min: 20_000, max: 30_000 });
    case 'net_weight_mg':
      return fc.integer({ min: 1, max: 10_000 });
    case 'stone_weight_mg':
      return fc.integer({ min: 0, max: 10_000 });
    // Stone lines with their own value: a generated line would often carry both `value_paise` and
    // `diamond` (exactly one is allowed), and a diamond needs a model run.
    case 'stones':
      return fc.array(
        fc.record({
          kind: fc.constantFrom('diamond', 'ruby'),
          count: fc.integer({ min: 1, max: 3 }),
          weight_mg: fc.integer({ min: 1, max: 500 }),
          value_paise: fc.integer({ min: 0, max: 100_000 }),
        }),
        { maxLength: 2 },
      );
    // Old gold: what is not paid for stays under the gross weight's hint.
    case 'less_weight_mg':
      return fc.integer({ min: 0, max: 10_000 });
    case 'quantity':
      return fc.integer({ min: 1, max: 3 });
    // A monthly series a little over the forecast's 24-month minimum, so one value removed still passes.
    case 'history':
      return fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 25, maxLength: 30 });
    case 'discount':
      return fc.integer({ min: 0, max: 10_000 });
    // Mostly a tag of the shop's pieces (a scan that finds one), else one that fits the pattern.
    case 'tag':
      return fc.oneof(
        { weight: 3, arbitrary: fc.nat().map((i) => world.tags[i % world.tags.length]!) },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Z0-9]{4,24}$/) },
      );
    // A GSTIN (checksum valid, state 27) or none, and a zone Intl knows: what the profile's rules
    // accept, which a random string almost never is.
    case 'gstin':
      return fc.constantFrom(null, '27AADCD2026J1ZV');
    case 'timezone':
      return fc.constantFrom('Asia/Kolkata', 'Asia/Dubai');
    case 'if-none-match':
      return fc.constantFrom('*', '"0"', 'W/"0"', `"${'f'.repeat(64)}"`);
    case 'shop_slug':
      return fc.constantFrom(world.slug, world.slug, world.otherSlug, 'no-such-shop');
    case 'email':
      return fc.oneof(
        fc.constantFrom(...world.emails),
        fc.stringMatching(/^[a-z0-9]{1,20}$/).map((local) => `${local}@example.com`),
      );
    case 'password':
    case 'current_password':
    case 'new_password':
      return fc.oneof(fc.constant(PASSWORD), fc.stringMatching(/^[a-z]{6,20}-[A-Z]{1,4}[0-9]{1,4}$/));
    case 'refresh_token':
      return fc.stringMatching(/^rt_[A-Za-z0-9_-]{43}$/);
    // Reports take shop-local days, not instants.
    case 'from':
    case 'to':
      return op.path.startsWith('/api/v1/reports') ? someDate.map((d) => d.slice(0, 10)) : someDate;
    case 'as_of':
      return someDate;
    case 'effective_date':
      return someDate.map((d) => d.slice(0, 10));
    case 'idempotency-key':
      return fc.oneof(fc.constant('fuzz-replayed-key-1'), fc.stringMatching(/^[A-Za-z0-9_\-:.]{8,64}$/));
    default:
      return undefined;
  }
};

/** Strings for places that want an id, a slug or a number, and get anything but. */
const hostile = fc.oneof(
  fc.constantFrom(
    "' OR 1=1 --",
    '1; DROP TABLE users',
    '../../health',
    '..',
    '.',
    '%2e%2e%2f',
    '%2F',
    '%00',
    '%',
    '%zz',
    '%E0%A4',
    '%F0%9F%99%82',
    '0',
    '-1',
    'null',
    'undefined',
    '🙂',
    '\u202E',
    'a'.repeat(65),
    'a'.repeat(5000),
    'NaN',
    '1e309',
    '9'.repeat(400),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
);

const asPathSegment = (v: unknown) => String(v).replace(/[?#]/g, encodeURIComponent);

/** The operation's path with its parameters filled in, and those parameters. */
const fillPath = (op: Operation, value: (name: string) => fc.Arbitrary<unknown>) => {
  const names = op.params.filter((p) => p.in === 'path').map((p) => p.name);
  return fc.tuple(...names.map(value)).map((values) => {
    const params = Object.fromEntries(names.map((n, i) => [n, asPathSegment(values[i])]));
    return { path: names.reduce((path, n) => path.replace(`{${n}}`, params[n]!), op.path), params };
  });
};

const queryOf = (pairs: [string, string][]) =>
  pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => (v === '\u0000' ? k : `${k}=${v}`)).join('&')}`;

/** Random query strings: the route's own names and others, bad numbers, repeats, broken escapes. */
const wildQuery = (op: Operation) => {
  const names = [...op.params.filter((p) => p.in === 'query').map((p) => p.name), 'page', 'limit', 'cursor', 'sort'];
  const key = fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 }).map(encodeURIComponent));
  const value = fc.oneof(
    fc.constantFrom(
      ...['', '\u0000', '-1', '-0', '0', '1', '100', '101', '1.5', '+5', '%205', '0x10', '1e300', 'true', 'T'],
      ...['9007199254740991', '9007199254740993', '2026-02-30', '2026-13-01T25:61:00Z', '0000-00-00'],
    ),
    hostile,
  );
  return fc.array(fc.tuple(key, value), { maxLength: 6 }).map(queryOf);
};

/** The route's own query parameters with values their schemas accept. */
const validQuery = (op: Operation) => {
  const params = op.params.filter((p) => p.in === 'query');
  return fc
    .tuple(...params.map((p) => fc.option(g.valid(p.schema, op, p.name), { nil: undefined, freq: 2 })))
    .map((values) =>
      queryOf(
        params.flatMap((p, i) =>
          values[i] === undefined ? [] : [[p.name, encodeURIComponent(String(values[i]))] as [string, string]],
        ),
      ),
    );
};

const validHeaders = (op: Operation) => {
  const params = op.params.filter((p) => p.in === 'header');
  // Header values are Latin-1: a schema's free string becomes header-safe text.
  const value = (p: Parameter) => hints(p.name, op) ?? headerText(Math.min(p.schema.maxLength ?? 100, 100));
  return fc
    .tuple(...params.map((p) => (p.required ? value(p) : fc.option(value(p), { nil: undefined }))))
    .map(
      (values) =>
        params.flatMap((p, i) => (values[i] === undefined ? [] : [[p.name, String(values[i])]])) as [string, string][],
    );
};

/** Headers as a careless or hostile client sends them. */
const wildHeaders = fc
  .record(
    {
      'X-Request-Id': fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9._:-]{8,128}$/),
        headerText(200),
        fc.constant('r'.repeat(10_000)),
      ),
      'Idempotency-Key': fc.oneof(fc.stringMatching(/^[A-Za-z0-9_\-:.]{0,140}$/), headerText(200)),
      'If-None-Match': fc.oneof(
        fc.constantFrom('*', 'W/"abc"', '"a", "b"', '""', `"${'f'.repeat(64)}"`),
        headerText(2000),
      ),
      'X-D1-Bookmark': fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9._:+/=-]{1,256}$/),
        fc.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/),
        headerText(300),
      ),
      'CF-Connecting-IP': fc.oneof(fc.ipV4(), fc.ipV6(), headerText(100)),
      Origin: fc.constantFrom('http://localhost:3000', 'https://evil.example', 'null', '*'),
      Accept: fc.constantFrom('text/html', '*/*', 'application/xml', ''),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.entries(h) as [string, string][]);

/** Half the time a valid session (so a bad body gets past the guard to validation), else anything. */
const wildAuth = (): fc.Arbitrary<Auth> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...WHO).map((who) => ({ who })) },
    { weight: 1, arbitrary: fc.constant({ none: true as const }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...WHO), fc.constantFrom('bearer', 'Bearer  ', 'Basic', 'Token'))
        .map(([who, scheme]) => ({ who, scheme })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...world.badTokens).map((t) => ({ header: `Bearer ${t}` })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', 'Bearer', 'Bearer ', 'Bearer a b', 'Basic dXNlcjpwYXNz')
        .map((header) => ({ header })),
    },
    { weight: 1, arbitrary: headerText(300).map((header) => ({ header })) },
  );

const wildBody = (op: Operation) =>
  fc.option(
    fc.record({
      text: op.body
        ? fc.oneof(
            malformedBodyText,
            g.valid(op.body.schema, op).map(toJsonText),
            g.valid(op.body.schema, op).map((v) => toJsonText([v])),
          )
        : malformedBodyText,
      contentType,
      stream: fc.boolean(),
    }),
    { nil: undefined, freq: 4 },
  );

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Property 1: anything at all, aimed at a route of the document. */
const malformedSpec = () =>
  fc.constantFrom(...ops).chain((op) =>
    fc
      .record({
        op: fc.constant(op.key),
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(op.method) },
          { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
        ),
        path: fillPath(op, (name) => fc.oneof(hints(name, op) ?? hostile, hostile)),
        query: wildQuery(op),
        headers: wildHeaders,
        auth: wildAuth(),
        body: wildBody(op),
      })
      .map(({ path, ...spec }): Spec => ({ ...spec, ...path })),
  );

/** Property 2: a well-formed request for the route with at most one thing wrong in its body. */
const nearValidSpec = () =>
  fc.constantFrom(...ops).chain((op) =>
    fc
      .record({
        op: fc.constant(op.key),
        method: fc.constant(op.method),
        path: fillPath(op, (name) => g.valid(op.params.find((p) => p.name === name)!.schema, op, name)),
        query: validQuery(op),
        headers: validHeaders(op),
        auth: op.secured
          ? fc.oneof(
              { weight: 2, arbitrary: fc.constant({ who: 'owner' as const }) },
              { weight: 1, arbitrary: fc.constantFrom<Who>('manager', 'cashier').map((who) => ({ who })) },
            )
          : fc.constant({ none: true as const }),
        body: op.body
          ? fc
              .oneof(
                { weight: 7, arbitrary: g.nearValid(op.body.schema, op) },
                { weight: 3, arbitrary: g.valid(op.body.schema, op) },
              )
              .map((v) => ({ text: toJsonText(v), contentType: 'application/json' }))
          : fc.constant(undefined),
      })
      .map(({ path, ...spec }): Spec => ({ ...spec, ...path })),
  );

// --- The properties --------------------------------------------------------------------------

const started = Date.now();

beforeAll(async () => {
  const { res, body } = await callJson('/openapi.json');
  expect(res.status).toBe(200);
  doc = body as OpenApiDocument;
  ops = operationsOf(doc);
  opByKey = new Map(ops.map((o) => [o.key, o]));
  templates = [...new Set(ops.map((o) => o.path))]
    .map((path) => ({
      path,
      literal: path.split('/').filter((s) => s && !s.startsWith('{')).length,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => b.literal - a.literal)
    .map(({ path, pattern }) => ({ path, pattern }));
  for (const key of ENDS_SESSION) expect(ops.map((o) => o.key)).toContain(key);
  world = await buildWorld();
  g = generators(doc, hints);
  writes = await WriteWatch.start();
}, 60_000);

afterAll(() => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: ${requests} requests over ${ops.length} operations in ${seconds} s; ` +
      `${documentedChecks} answers checked against the statuses and codes their operation documents`,
  );
  console.log(
    [...outcomes]
      .sort()
      .map(([k, n]) => `${String(n).padStart(5)}  ${k}`)
      .join('\n'),
  );
});

describe('fuzz: every operation of /openapi.json', () => {
  it('the operations fuzzed are exactly the document’s', () => {
    const count = Object.values(doc.paths).reduce(
      (n, item) => n + Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).length,
      0,
    );
    expect(ops.length).toBe(count);
    expect(count).toBeGreaterThan(30);
  });

  it('the write watch sees a write, and a refusal that wrote nothing', async () => {
    const create = { method: 'POST', token: world.session('owner').access, json: { name: 'Watch', phone: newPhone() } };
    expect((await send('/api/v1/customers', create)).status).toBe(201);
    expect(await writes.written()).toEqual(expect.arrayContaining(['customers']));
    const again = await send('/api/v1/customers', create);
    expect(again.status).toBe(409);
    expect(await writes.written()).toEqual([]);
  });

  it(
    `random and malformed requests: no 5xx, the envelope, no write on refusal (seed ${MALFORMED.seed})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(malformedSpec(), async (spec) => {
          sent.malformed.add(spec.op);
          await request(spec);
        }),
        MALFORMED,
      );
      expect(sent.malformed.size).toBe(ops.length);
    },
    TIMEOUT_MS,
  );

  it(
    `near-valid requests (one field wrong): no 5xx, the envelope, no write on refusal (seed ${NEAR_VALID.seed})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(nearValidSpec(), async (spec) => {
          sent.nearValid.add(spec.op);
          if (!BEFORE_HANDLER.includes((await request(spec)) ?? '')) reachedHandler.add(spec.op);
        }),
        NEAR_VALID,
      );
      expect(sent.nearValid.size).toBe(ops.length);
      expect(
        ops.map((o) => o.key).filter((k) => !reachedHandler.has(k)),
        'operations no near-valid request reached',
      ).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
