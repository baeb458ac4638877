// The storefront's per-isolate memo of shops, apart from service.ts so the writes that must forget
// a shop (bumpCatalogVersion in products) can reach it without importing the storefront.
import { IsolateMemo } from '../../lib/isolate-memo';

export interface StorefrontShop {
  id: string;
  catalogVersion: number;
}

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
