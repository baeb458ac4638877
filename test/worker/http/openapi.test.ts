// /openapi.json describes every route the app serves; docs are off in production unless enabled.
// (Its validity against the OpenAPI 3.1 schema is checked on Node, in test/browser/openapi.test.ts:
// the validator reads its meta-schemas from node_modules at run time, which workerd cannot.)
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app';
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
