// A genuine internal error (a D1 that fails) leaves as the envelope; its detail only in development.
import { describe, expect, it } from 'vitest';
import { randomIp } from '../fixtures';
import { callJson } from '../helpers';

const SECRET_DETAIL = 'secret internal detail';
const PROD = { ENVIRONMENT: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough-0123456789' };

/** Passes the config check (it has prepare()), then fails every query the way a broken D1 would. */
const brokenDb = () => {
  const fail = () => {
    throw new Error(SECRET_DETAIL);
  };
  return {
    prepare: fail,
    batch: fail,
    exec: fail,
    withSession: () => ({ prepare: fail, batch: fail, getBookmark: () => null }),
  };
};

const login = (env: Record<string, unknown>) =>
  callJson('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'CF-Connecting-IP': randomIp() },
    json: { email: 'someone@example.com', password: 'Correct-Horse-42' },
    env: { ...env, DB: brokenDb() as unknown as D1Database },
  });

describe('a 500', () => {
  it('outside development says only "Internal server error": no message, details or stack', async () => {
    const { res, body } = await login(PROD);
    expect(res.status).toBe(500);
    expect(body).toEqual({
      success: false,
      error: { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', request_id: expect.any(String) },
    });
    expect(JSON.stringify(body)).not.toContain(SECRET_DETAIL);
    expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+/);
    expect(res.headers.get('x-request-id')).toBe(body.error.request_id);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('in development carries the message and the stack, for the developer', async () => {
    const { res, body } = await login({ ENVIRONMENT: 'development' });
    expect(res.status).toBe(500);
    expect(body.error).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', message: SECRET_DETAIL });
    expect(body.error.details).toEqual([
      expect.objectContaining({ message: SECRET_DETAIL, stack: expect.any(String) }),
    ]);
  });
});
