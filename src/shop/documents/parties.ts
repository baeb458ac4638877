// Who a document names, frozen when it is issued so a later change to the shop never rewrites it.
import type { SellerSnapshot, shops } from '../../db/schema';

/** The shop as a party to its documents (CGST Rule 46(a)); `name` until a legal name is set. */
export const shopSnapshot = (shop: typeof shops.$inferSelect): SellerSnapshot => ({
  legal_name: shop.legalName ?? shop.name,
  address: shop.address,
  gstin: shop.gstin,
  state_code: shop.stateCode,
});
