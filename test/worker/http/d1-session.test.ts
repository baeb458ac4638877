import { describe, expect, it } from 'vitest';
import { newShop, randomIp } from '../fixtures';
import { call } from '../helpers';

describe('D1 read replication (Sessions API)', () => {
  it('a response that touched D1 returns the session bookmark, and sending it back is accepted', async () => {
    const s = await newShop();
    const me = await call('/api/v1/auth/me', { token: s.access });
    const bookmark = me.headers.get('x-d1-bookmark');
    expect(bookmark).toEqual(expect.any(String));
    const again = await call('/api/v1/auth/me', { token: s.access, headers: { 'X-D1-Bookmark': bookmark! } });
    expect(again.status).toBe(200);
    // Bookmarks only move forward.
    expect(again.headers.get('x-d1-bookmark')! >= bookmark!).toBe(true);
  });

  it('responses that never touched D1 carry no bookmark', async () => {
    const res = await call('/health');
    expect(res.headers.get('x-d1-bookmark')).toBeNull();
  });

  it('only authenticated callers get a bookmark: not the storefront, sign-in or refresh', async () => {
    const s = await newShop();
    const visitor = { 'CF-Connecting-IP': randomIp() };
    const storefront = await call(`/api/v1/storefront/${s.shop.slug}/products`, { headers: visitor });
    expect(storefront.status).toBe(200);
    expect(storefront.headers.get('x-d1-bookmark')).toBeNull();
    const signIn = await call('/api/v1/auth/login', {
      method: 'POST',
      headers: visitor,
      json: { email: s.email, password: 'Correct-Horse-42' },
    });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('x-d1-bookmark')).toBeNull();
    const refreshed = await call('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('x-d1-bookmark')).toBeNull();
  });
});
