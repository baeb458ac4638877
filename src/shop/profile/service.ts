// The caller's shop: its profile and settings. A change is checked against the row as read (the
// GSTIN's state code, the invoice prefix lock) and written only if those fields are still what was
// read, with its audit entry in the same batch — so two concurrent changes cannot together pair a
// GSTIN with another state, or slip a prefix change past the first invoice of a year.
import { and, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQueryWhen } from '../../audit/record';
import { dbOf } from '../../db/client';
import { still } from '../../db/conditions';
import { changedColumns, retryWhileRaced } from '../../db/optimistic';
import { shops } from '../../db/schema';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { nowIso } from '../../lib/id';
import { bumpCatalogVersion } from '../products/service';
import { type ShopProfile, type ShopRow, toShopProfile, type UpdateShopProfileInput } from './schemas';

type C = Context<AppEnv>;

const COLUMNS = {
  legal_name: 'legalName',
  gstin: 'gstin',
  gst_scheme: 'gstScheme',
  address: 'address',
  state_code: 'stateCode',
  timezone: 'timezone',
  invoice_prefix: 'invoicePrefix',
  gst_rate_bp: 'gstRateBp',
  round_off: 'roundOff',
  huid_required: 'huidRequired',
  cash_limit_paise: 'cashLimitPaise',
  cash_payout_limit_paise: 'cashPayoutLimitPaise',
  pan_threshold_paise: 'panThresholdPaise',
  buyer_details_threshold_paise: 'buyerDetailsThresholdPaise',
  usd_inr_paise: 'usdInrPaise',
  stone_markup_bp: 'stoneMarkupBp',
  cashier_discount_limit_bp: 'cashierDiscountLimitBp',
} as const satisfies Record<keyof UpdateShopProfileInput, keyof ShopRow>;

/** The settings a storefront price depends on: its tax, its round-off, and its day (the timezone). */
const STOREFRONT_PRICED = ['gstin', 'gst_scheme', 'state_code', 'gst_rate_bp', 'round_off', 'timezone'] as const;

async function findShopRow(c: C): Promise<ShopRow> {
  const [row] = await dbOf(c)
    .select()
    .from(shops)
    .where(eq(shops.id, authOf(c).shopId));
  // A signed-in caller's shop exists; only a shop deleted under a live token gets here.
  if (!row) throw notFound('Shop');
  return row;
}

export const getShopProfile = async (c: C) => toShopProfile(await findShopRow(c));

/** The GSTIN's first two digits are its state code, which must be the shop's (contract). */
function stateMismatch(after: ShopRow, patch: UpdateShopProfileInput) {
  if (!after.gstin || after.gstin.slice(0, 2) === after.stateCode) return null;
  const path = patch.gstin !== undefined ? 'gstin' : 'state_code';
  const message = after.stateCode
    ? `the GSTIN's state code ${after.gstin.slice(0, 2)} is not the shop's state_code ${after.stateCode}`
    : `the shop has no state_code yet: send state_code ${after.gstin.slice(0, 2)} with the GSTIN`;
  return new ApiError(400, 'VALIDATION_FAILED', 'Invalid shop profile', [{ path, message }]);
}

export async function updateShopProfile(c: C, patch: UpdateShopProfileInput): Promise<ShopProfile> {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  return retryWhileRaced('shop profile', async () => {
    const before = await findShopRow(c);
    const now = nowIso();
    const changes = changedColumns<keyof UpdateShopProfileInput, ShopRow>(patch, COLUMNS);
    const after: ShopRow = { ...before, ...changes, updatedAt: now };
    const mismatch = stateMismatch(after, patch);
    if (mismatch) throw mismatch;
    if (
      after.invoicePrefix !== before.invoicePrefix &&
      before.invoicePrefixLockedUntil &&
      before.invoicePrefixLockedUntil > now
    ) {
      throw new ApiError(
        409,
        'INVOICE_PREFIX_LOCKED',
        'The invoice prefix cannot change after the first invoice of a financial year, until that year ends',
        [{ path: 'invoice_prefix', message: `fixed until ${before.invoicePrefixLockedUntil}` }],
      );
    }

    const changed = Object.fromEntries(
      (Object.entries(COLUMNS) as [keyof UpdateShopProfileInput, keyof ShopRow][])
        .filter(([, column]) => after[column] !== before[column])
        .map(([field, column]) => [field, { from: before[column], to: after[column] }]),
    );
    const [result] = await db.batch([
      db
        .update(shops)
        .set({ ...changes, updatedAt: now })
        .where(
          and(
            eq(shops.id, shopId),
            still(shops.gstin, before.gstin),
            still(shops.stateCode, before.stateCode),
            still(shops.invoicePrefix, before.invoicePrefix),
            still(shops.invoicePrefixLockedUntil, before.invoicePrefixLockedUntil),
          ),
        ),
      auditQueryWhen(
        c,
        { action: 'shop.profile_updated', targetType: 'shop', targetId: shopId, details: { changes: changed } },
        sql`changes() = 1`,
      ),
      // Only after a change: the audit row is written exactly when the UPDATE changed the shop.
      ...(STOREFRONT_PRICED.some((f) => f in changed) ? [bumpCatalogVersion(db, shopId, sql`changes() = 1`)] : []),
    ]);
    return result.meta.changes === 1 ? toShopProfile(after) : undefined;
  });
}
