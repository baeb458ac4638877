// Fixtures for pricing and billing: a GST-registered shop, rates, pieces and quotes through the API.
import { PieceSchema } from '../../../src/shop/pieces/schemas';
import { QuoteSchema } from '../../../src/shop/pricing/schemas';
import { ShopProfileSchema } from '../../../src/shop/profile/schemas';
import { RateSchema } from '../../../src/shop/rates/schemas';
import { newShop, type Session } from '../fixtures';
import { callData, callJson, type Json } from '../helpers';
import { chain } from './readme-tables';

/** A published GSTIN (python-stdnum's example) of Maharashtra, state 27. */
export const GSTIN_27 = '27AAPFU0939F1ZV';

export const patchShop = (owner: Session, json: Json) =>
  callData(ShopProfileSchema, 200, '/api/v1/shop', { method: 'PATCH', token: owner.access, json });

/** A GST-registered shop in Maharashtra (regular scheme, 3%, rounding on: the defaults). */
export async function registeredShop() {
  const owner = await newShop();
  await patchShop(owner, { gstin: GSTIN_27, state_code: '27', address: '12 Zaveri Bazaar, Mumbai' });
  return owner;
}

export const addRate = (s: Session, json: Json) =>
  callData(RateSchema, 201, '/api/v1/rates', {
    method: 'POST',
    token: s.access,
    json: { metal: 'gold', purity: 916, effective_date: '2026-01-01', ...json },
  });

export const quote = (s: Session, json: Json) =>
  callJson('/api/v1/pricing/quote', { method: 'POST', token: s.access, json });

export const quoted = (s: Session, json: Json) =>
  callData(QuoteSchema, 200, '/api/v1/pricing/quote', { method: 'POST', token: s.access, json });

export const addPiece = (s: Session, productId: string, over: Json = {}) =>
  callData(PieceSchema, 201, '/api/v1/pieces', {
    method: 'POST',
    token: s.access,
    json: { product_id: productId, gross_weight_mg: 10_000, net_weight_mg: 10_000, ...over },
  });

/** The README's 22K chain, 10 g net, 50 in stock: at ₹6,000/g it totals ₹71,425 in the shop's state. */
export const chainBody = (over: Json = {}): Json => chain({ stock: 50, ...over });
