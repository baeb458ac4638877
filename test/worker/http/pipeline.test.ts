import { describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers';

const SECURITY_HEADERS = {
  'strict-transport-security': /max-age=\d+/,
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'referrer-policy': /^no-referrer$/,
  'permissions-policy': /camera=\(\)/,
  'cross-origin-opener-policy': /^same-origin$/,
  'cross-origin-resource-policy': /^same-origin$/,
};

function expectSecurityHeaders(res: Response) {
  for (const [name, pattern] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toMatch(pattern);
  expect(res.headers.get('x-powered-by')).toBeNull();
  expect(res.headers.get('x-request-id')).toBeTruthy();
}

function expectEnvelope(body: any, status: number, code: string) {
  expect(body).toMatchObject({ success: false, error: { status, code, message: expect.any(String) } });
  expect(body.error.request_id).toEqual(expect.any(String));
}

describe('every response carries the security headers and a request id', () => {
  it.each([
    ['a 200', '/health', {}],
    ['a 404', '/api/v1/nothing-here', {}],
    ['a 405', '/health', { method: 'DELETE' }],
    ['a CORS preflight', '/health', { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173' } }],
  ] as const)('%s', async (_name, path, init) => {
    const res = await call(path, init as RequestInit);
    expectSecurityHeaders(res);
  });

  it('JSON responses forbid loading anything', async () => {
    const res = await call('/health');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('responses carry Server-Timing with the total', async () => {
    const res = await call('/health');
    expect(res.headers.get('server-timing')).toMatch(/total;dur=/);
  });
});

describe('request ids', () => {
  it('echoes a valid incoming X-Request-Id', async () => {
    const { res, body } = await callJson('/api/v1/missing', { headers: { 'X-Request-Id': 'pos-tablet-7:abc123' } });
    expect(res.headers.get('x-request-id')).toBe('pos-tablet-7:abc123');
    expect(body.error.request_id).toBe('pos-tablet-7:abc123');
  });

  it('replaces an unsafe incoming id with a generated one', async () => {
    const res = await call('/health', { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the error envelope', () => {
  it('404 for an unknown path', async () => {
    const { res, body } = await callJson('/api/v1/unknown');
    expect(res.status).toBe(404);
    expectEnvelope(body, 404, 'NOT_FOUND');
  });

  it('405 with Allow for a known path and the wrong method', async () => {
    const { res, body } = await callJson('/health', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expectEnvelope(body, 405, 'METHOD_NOT_ALLOWED');
  });

  it('413 for a body over 64 KiB', async () => {
    const { res, body } = await callJson('/health', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    });
    expect(res.status).toBe(413);
    expectEnvelope(body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('400 for malformed JSON', async () => {
    const { res, body } = await callJson('/health', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expectEnvelope(body, 400, 'MALFORMED_JSON');
  });

  it('415 for a body that is not JSON', async () => {
    const { res, body } = await callJson('/health', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expectEnvelope(body, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('health', () => {
  it('answers ok with the version, without auth', async () => {
    const { res, body } = await callJson('/health');
    expect(res.status).toBe(200);
    expect(body).toEqual({ success: true, data: { status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) } });
  });
});
