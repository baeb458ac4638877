// The storefront's per-isolate memo of shops, apart from service.ts so the writes that must forget
// a shop (bumpCatalogVersion in products) can reach it without importing the storefront.
import type { shops } from '../../db/schema';
import { IsolateMemo } from '../../lib/isolate-memo';

/**
 * What a storefront page depends on besides its products and rates: one read of the shop's row. Its
 * prices are taxed and rounded by these settings on the day of `timezone`; a change to any of them
 * bumps catalogVersion, so a memo never pairs a version with settings it did not have.
 */
export type StorefrontShop = Pick<
  typeof shops.$inferSelect,
  'id' | 'catalogVersion' | 'timezone' | 'gstin' | 'gstScheme' | 'stateCode' | 'gstRateBp' | 'roundOff'
>;

/**
 * How long an isolate serves a shop's id, status and catalog version without reading D1: a
 * catalog write, sale or void made through this isolate is seen at once (bumpCatalogVersion forgets
 * the shop); one made elsewhere, or a suspension by the admin CLI, within this bound.
 */
export const SHOP_MEMO_MS = 5_000;

/** Slug → the active shop, or null for an unknown or suspended one (so unknown slugs cost no D1 read either). */
export const storefrontShops = new IsolateMemo<StorefrontShop | null>(SHOP_MEMO_MS, 1_000);

/** A write through this isolate changed what the storefront shows for `shopId`. */
export const forgetStorefrontShop = (shopId: string) => storefrontShops.forget((shop) => shop?.id === shopId);
