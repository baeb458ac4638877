// /openapi.json describes every route the app serves; docs are off in production unless enabled.
// (Its validity against the OpenAPI 3.1 schema is checked on Node, in test/browser/openapi.test.ts:
// the validator reads its meta-schemas from node_modules at run time, which workerd cannot.)
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app';
import { ApiError, ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../../../src/http/errors';
import { call, callJson } from '../helpers';

const PROD = { ENVIRONMENT: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough-0123456789' };
const DOCS_PATHS = ['/openapi.json', '/docs', '/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/init.js'];
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every method + path the router answers, in OpenAPI's `{param}` form, docs themselves aside. */
function servedRoutes(): string[] {
  const routes = createApp()
    .routes.filter((r) => HTTP_METHODS.includes(r.method.toLowerCase()))
    .filter((r) => !DOCS_PATHS.includes(r.path))
    .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

describe('/openapi.json', () => {
  it('is an OpenAPI 3.1 document with the bearer scheme', async () => {
    const { res, body } = await callJson('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(body.openapi).toBe('3.1.0');
    expect(body.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes every route the app serves, and nothing it does not', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => HTTP_METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(10);
    expect(served).toContain('POST /api/v1/auth/login');
    expect(documented).toEqual(served);
  });

  it('gives every operation a tag, a summary and a 2xx response', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, Record<string, any>> };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.tags?.length, where).toBeGreaterThan(0);
        expect(op.summary, where).toEqual(expect.any(String));
        expect(
          Object.keys(op.responses ?? {}).some((s) => s.startsWith('2')),
          where,
        ).toBe(true);
      }
    }
  });
});

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })),
  );
const codesOf = (response: any): string[] =>
  response.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? [];

// Issue 11, item 6: the document states every refusal a route can give (the fuzz suite checks
// that no answer falls outside it); these check its shape and the rules it is derived from.
describe('/openapi.json states what is enforced', () => {
  it('names every operation with a unique camelCase operationId', async () => {
    const doc = (await (await call('/openapi.json')).json()) as Doc;
    const ids = operations(doc).map(({ key, op }) => {
      expect(op.operationId, key).toMatch(/^[a-z][A-Za-z0-9]*$/);
      return op.operationId as string;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents each error status with the codes of that status in the registry', async () => {
    const doc = (await (await call('/openapi.json')).json()) as Doc;
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(ERROR_CODES);
    for (const { key, op } of operations(doc)) {
      for (const [status, response] of Object.entries<any>(op.responses)) {
        if (Number(status) < 400) continue;
        const codes = codesOf(response);
        expect(codes.length, `${key} ${status}`).toBeGreaterThan(0);
        for (const code of codes)
          expect(ERROR_STATUS[code as ErrorCode], `${key} ${status} ${code}`).toBe(Number(status));
      }
    }
  });

  it('gives every bearer route 401, 429 and 503 AUTH_UNAVAILABLE, every route 405 and every body route 413/415', async () => {
    // PUT carries raw bytes (an image upload): its route judges the body, with codes of its own.
    const bodyCodes = (method: string) =>
      method === 'put'
        ? { 413: ['IMAGE_TOO_LARGE'], 415: ['UNSUPPORTED_IMAGE'] }
        : { 413: ['PAYLOAD_TOO_LARGE'], 415: ['UNSUPPORTED_MEDIA_TYPE'] };
    const doc = (await (await call('/openapi.json')).json()) as Doc;
    for (const { key, method, op } of operations(doc)) {
      const codes = (status: number) => codesOf(op.responses[status] ?? {});
      if (op.security?.length) {
        expect(codes(401), key).toEqual(
          expect.arrayContaining(['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']),
        );
        expect(codes(429), key).toContain('RATE_LIMITED');
        expect(codes(503), key).toContain('AUTH_UNAVAILABLE');
      }
      expect(codes(405), key).toEqual(['METHOD_NOT_ALLOWED']);
      if (method !== 'get') {
        expect(codes(413), key).toEqual(bodyCodes(method)[413]);
        expect(codes(415), key).toEqual(bodyCodes(method)[415]);
      }
    }
    // The guard's role check: an owner-only route says 403, a route every role may use does not.
    expect(codesOf(doc.paths['/api/v1/users']!.get.responses[403])).toEqual(['FORBIDDEN']);
    expect(doc.paths['/api/v1/auth/me']!.get.responses[403]).toBeUndefined();
  });

  it('states the constraints the server enforces', async () => {
    const doc = (await (await call('/openapi.json')).json()) as Doc;
    const param = (path: string, method: string, name: string) =>
      doc.paths[path]![method].parameters.find((p: { name: string }) => p.name === name).schema;
    expect(param('/api/v1/products', 'get', 'q')).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(param('/api/v1/products', 'get', 'page')).toMatchObject({ minimum: 1 });
    expect(param('/api/v1/products', 'get', 'limit')).toMatchObject({ minimum: 1, maximum: 100 });
    expect(param('/api/v1/sales', 'post', 'idempotency-key')).toMatchObject({ minLength: 8, maxLength: 128 });
    expect(param('/api/v1/rates/latest', 'get', 'as_of')).toMatchObject({ format: 'date' });
    const { schemas } = doc.components;
    expect(schemas.CreateProduct.properties.name).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(schemas.CreateProduct.properties.purity).toMatchObject({ minimum: 375, maximum: 999 });
    expect(schemas.LoginRequest.properties.email).toMatchObject({ format: 'email' });
  });

  it('the registry types each code’s status: another status does not compile', () => {
    // @ts-expect-error ACCOUNT_DISABLED is a 403 in src/http/errors.ts
    const wrong = () => new ApiError(401, 'ACCOUNT_DISABLED', 'refused');
    expect(new ApiError(403, 'ACCOUNT_DISABLED', 'refused').status).toBe(ERROR_STATUS.ACCOUNT_DISABLED);
    expect(wrong).toBeTypeOf('function');
  });
});

// Issue 11, items 5 and 6: a trailing slash and a query name a route does not declare are refused
// alike on every route.
describe('paths and query names a route does not declare', () => {
  it('a trailing slash is 404 on every documented path, never 405', async () => {
    const doc = (await (await call('/openapi.json')).json()) as Doc;
    for (const { method, path } of operations(doc)) {
      const url = `${path.replace(/\{[^}]+\}/g, 'x')}/`;
      const { res, body } = await callJson(url, { method: method.toUpperCase() });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(body.error.code, `${method} ${url}`).toBe('NOT_FOUND');
    }
  });

  it.each([
    '/health?=x',
    '/health?&=1',
    '/health?unknown=1',
    '/api/v1/storefront/no-such-shop/products?=x',
    '/api/v1/storefront/no-such-shop/products?page=1&=1',
  ])('%s is 400 VALIDATION_FAILED, in the envelope', async (url) => {
    const { res, body } = await callJson(url);
    expect(res.status).toBe(400);
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details[0].in).toBe('query');
  });
});

describe('docs in production', () => {
  it.each(DOCS_PATHS)('%s is 404 unless DOCS_ENABLED=true', async (path) => {
    const { res, body } = await callJson(path, { env: { ...PROD, DOCS_ENABLED: 'false' } });
    expect(res.status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
    const unset = await call(path, { env: { ...PROD, DOCS_ENABLED: undefined } });
    expect(unset.status).toBe(404);
  });

  it.each(DOCS_PATHS)('%s is served with DOCS_ENABLED=true', async (path) => {
    const res = await call(path, { env: { ...PROD, DOCS_ENABLED: 'true' } });
    expect(res.status).toBe(200);
  });

  it('development serves docs whatever DOCS_ENABLED says', async () => {
    const res = await call('/docs', { env: { DOCS_ENABLED: 'false' } });
    expect(res.status).toBe(200);
  });
});

describe('/docs', () => {
  it('is an HTML page whose CSP allows only its own scripts', async () => {
    const res = await call('/docs');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
  });
});
