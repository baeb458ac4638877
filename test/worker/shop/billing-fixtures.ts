// Fixtures for pricing and billing: a GST-registered shop, rates, pieces and quotes through the API.
import { expect } from 'vitest';
import { dataOf } from '../../../src/http/openapi';
import { PieceSchema } from '../../../src/shop/pieces/schemas';
import { QuoteSchema } from '../../../src/shop/pricing/schemas';
import { ShopProfileSchema } from '../../../src/shop/profile/schemas';
import { RateSchema } from '../../../src/shop/rates/routes';
import { newShop, type Session } from '../fixtures';
import { callJson, callTyped, type Json } from '../helpers';
import { chain } from './readme-tables';

/** A published GSTIN (python-stdnum's example) of Maharashtra, state 27. */
export const GSTIN_27 = '27AAPFU0939F1ZV';

export async function patchShop(owner: Session, json: Json) {
  const { res, body } = await callTyped(dataOf(ShopProfileSchema), '/api/v1/shop', {
    method: 'PATCH',
    token: owner.access,
    json,
  });
  expect(res.status).toBe(200);
  return body.data;
}

/** A GST-registered shop in Maharashtra (regular scheme, 3%, rounding on: the defaults). */
export async function registeredShop() {
  const owner = await newShop();
  await patchShop(owner, { gstin: GSTIN_27, state_code: '27', address: '12 Zaveri Bazaar, Mumbai' });
  return owner;
}

export async function addRate(s: Session, json: Json) {
  const { res, body } = await callTyped(dataOf(RateSchema), '/api/v1/rates', {
    method: 'POST',
    token: s.access,
    json: { metal: 'gold', purity: 916, effective_date: '2026-01-01', ...json },
  });
  expect(res.status).toBe(201);
  return body.data;
}

export const quote = (s: Session, json: Json) =>
  callJson('/api/v1/pricing/quote', { method: 'POST', token: s.access, json });

export async function quoted(s: Session, json: Json) {
  const { res, body } = await callTyped(dataOf(QuoteSchema), '/api/v1/pricing/quote', {
    method: 'POST',
    token: s.access,
    json,
  });
  expect(res.status).toBe(200);
  return body.data;
}

export async function addPiece(s: Session, productId: string, over: Json = {}) {
  const { res, body } = await callTyped(dataOf(PieceSchema), '/api/v1/pieces', {
    method: 'POST',
    token: s.access,
    json: { product_id: productId, gross_weight_mg: 10_000, net_weight_mg: 10_000, ...over },
  });
  expect(res.status).toBe(201);
  return body.data;
}

/** The README's 22K chain, 10 g net, 50 in stock: at ₹6,000/g it totals ₹71,425 in the shop's state. */
export const chainBody = (over: Json = {}): Json => chain({ stock: 50, ...over });
