// Who a document names, frozen when it is issued so a later change to the shop never rewrites it.
import type { SellerSnapshot, shops } from '../../db/schema';
import { z } from '../../http/openapi';

/** The shop as a party to its documents (CGST Rule 46(a)); `name` until a legal name is set. */
export const shopSnapshot = (shop: typeof shops.$inferSelect): SellerSnapshot => ({
  legal_name: shop.legalName ?? shop.name,
  address: shop.address,
  gstin: shop.gstin,
  state_code: shop.stateCode,
});

/** The shop as a document records it (`SellerSnapshot`). */
export const ShopPartySchema = z.object({
  legal_name: z.string(),
  address: z.string().nullable(),
  gstin: z.string().nullable(),
  state_code: z.string().nullable(),
});

/** The other party — a sale's buyer, a voucher's seller — as a document records them (`BuyerSnapshot`). */
export const PersonPartySchema = z.object({
  customer_id: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  state_code: z.string().nullable(),
  pan: z.string().nullable(),
  form60_ref: z.string().nullable(),
  gstin: z.string().nullable(),
});
