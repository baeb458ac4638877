// Helpers for the price-model tests: a signed-in shop, items, and one call to the predictions route.
import { expect } from 'vitest';
import parity from '../../fixtures/price-1.0.0-parity.json';
import { newShop, type Session } from '../fixtures';
import { callJson, type Json } from '../helpers';

export { parity };

export const ring = (over: Json = {}): Json => ({
  category: 'ring',
  metal: 'gold',
  purity: 916,
  gross_weight_mg: 5_000,
  net_weight_mg: 4_500,
  stone_weight_mg: 300,
  making_charge_bp: 1_200,
  rate_per_gram: 700_000,
  ...over,
});

let shop: Promise<Session> | undefined;
/** One shop shared by the tests that do not care whose it is. */
export const sharedShop = () => {
  shop ??= newShop();
  return shop;
};

export const predict = (s: Session, items: Json[], init: { env?: Json } = {}) =>
  callJson('/api/v1/predictions/price', { method: 'POST', token: s.access, json: { items }, ...init });

/** Prices for `items` (any number; sent in batches of 100), asserting each call succeeds. */
export async function prices(s: Session, items: Json[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < items.length; i += 100) {
    const { res, body } = await predict(s, items.slice(i, i + 100));
    expect(res.status, JSON.stringify(body)).toBe(200);
    out.push(...body.data.predictions.map((p: Json) => p.price));
  }
  return out;
}

export async function addRate(s: Session, metal: string, purity: number, rate_per_gram: number, date = '2026-11-01') {
  const { res, body } = await callJson('/api/v1/rates', {
    method: 'POST',
    token: s.access,
    json: { metal, purity, rate_per_gram, effective_date: date },
  });
  expect(res.status, JSON.stringify(body)).toBe(201);
}
