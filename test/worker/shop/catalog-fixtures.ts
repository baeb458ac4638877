// Catalog fixtures: a valid product body and a product created through the API.
import { ProductSchema } from '../../../src/shop/products/schemas';
import { type Session, unique } from '../fixtures';
import { callData, type Json } from '../helpers';

export const productBody = (over: Json = {}): Json => ({
  sku: unique('SKU-'),
  name: 'Kangan 22K',
  description: 'Plain <i>bangle</i>',
  category: 'bangle',
  metal: 'gold',
  purity: 916,
  gross_weight_mg: 12_000,
  net_weight_mg: 11_000,
  stone_weight_mg: 500,
  making_charge_bp: 1200,
  base_price: 8_500_000,
  stock: 3,
  ...over,
});

export const addProduct = (s: Session, over: Json = {}) =>
  callData(ProductSchema, 201, '/api/v1/products', { method: 'POST', token: s.access, json: productBody(over) });
