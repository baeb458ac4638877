// Wire shapes of the shop profile and settings (API.md "Shop profile and settings").
import { z } from '@hono/zod-openapi';
import { GST_SCHEMES, SHOP_STATUSES, type shops } from '../../db/schema';
import { cleanText, gstin, gstStateCode, money } from '../../http/fields';

const bp = (max: number, description: string) => z.number().int().min(0).max(max).openapi({ description });
const paise = (description: string) => money.openapi({ description });

/**
 * An IANA zone name this runtime's Intl knows, stored as sent: Intl's canonical form would turn
 * `Asia/Kolkata` into the older `Asia/Calcutta`. The pattern keeps out offsets (`+05:30`), which
 * Intl also accepts but which are not zone names and ignore daylight saving.
 */
const timezone = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/, 'an IANA time zone name, e.g. Asia/Kolkata')
  .refine((name) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      return true;
    } catch {
      return false;
    }
  }, 'not a time zone this server knows (an IANA name, e.g. Asia/Kolkata)')
  .openapi({ example: 'Asia/Kolkata' });

const settings = {
  legal_name: cleanText(1, 200).openapi({ description: 'As registered; printed on invoices' }),
  gstin: gstin.nullable().openapi({ description: 'Its first two digits must equal `state_code`; null: unregistered' }),
  gst_scheme: z.enum(GST_SCHEMES).openapi({ description: '`composition` charges no GST (bills of supply)' }),
  address: cleanText(1, 500),
  state_code: gstStateCode,
  timezone: timezone.openapi({ description: 'The shop’s day (rates, invoices, limits, financial year) is local here' }),
  invoice_prefix: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{1,4}$/, '1–4 characters A–Z 0–9')
    .openapi({
      example: 'INV',
      description: 'Fixed once a financial year has its first invoice (409 INVOICE_PREFIX_LOCKED)',
    }),
  gst_rate_bp: bp(10_000, 'GST rate in basis points (300 = 3%)'),
  round_off: z.boolean().openapi({ description: 'Round each sale’s total to the rupee' }),
  huid_required: z.boolean(),
  cash_limit_paise: paise('Cash received from one person in a sale or a shop-local day must stay below it (s.269ST)'),
  cash_payout_limit_paise: paise('Cash paid to one person in a day for old gold (s.40A(3)); manager+ may exceed'),
  pan_threshold_paise: paise('A total above it needs PAN or Form 60 (Rule 114B)'),
  buyer_details_threshold_paise: paise('Taxable value from which an unregistered buyer’s details are printed'),
  usd_inr_paise: money
    .min(1)
    .max(1_000_000)
    .openapi({ description: 'Rupees per US dollar, in paise (diamond model prices); at most ₹10,000' }),
  stone_markup_bp: bp(100_000, 'Markup over the diamond model’s price'),
  cashier_discount_limit_bp: bp(
    10_000,
    'Share of a sale’s subtotal a cashier may give as discount; more needs manager+',
  ),
};

export const ShopProfileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    status: z.enum(SHOP_STATUSES),
    legal_name: z.string().openapi({ description: 'The shop’s `name` until a legal name is set' }),
    gstin: z.string().nullable(),
    gst_scheme: z.enum(GST_SCHEMES),
    address: z.string().nullable(),
    state_code: z.string().nullable(),
    timezone: z.string(),
    invoice_prefix: z.string(),
    invoice_prefix_locked_until: z.string().nullable().openapi({
      description:
        'While set and in the future, `invoice_prefix` cannot change (end of the financial year of the latest invoice)',
    }),
    gst_rate_bp: z.number().int(),
    round_off: z.boolean(),
    huid_required: z.boolean(),
    cash_limit_paise: z.number().int(),
    cash_payout_limit_paise: z.number().int(),
    pan_threshold_paise: z.number().int(),
    buyer_details_threshold_paise: z.number().int(),
    usd_inr_paise: z.number().int(),
    stone_markup_bp: z.number().int(),
    cashier_discount_limit_bp: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('ShopProfile');

export const UpdateShopProfile = z
  .strictObject(settings)
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('UpdateShopProfile');

export type ShopProfile = z.infer<typeof ShopProfileSchema>;
export type UpdateShopProfileInput = z.infer<typeof UpdateShopProfile>;
export type ShopRow = typeof shops.$inferSelect;

export const toShopProfile = (r: ShopRow): ShopProfile => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  status: r.status,
  legal_name: r.legalName ?? r.name,
  gstin: r.gstin,
  gst_scheme: r.gstScheme,
  address: r.address,
  state_code: r.stateCode,
  timezone: r.timezone,
  invoice_prefix: r.invoicePrefix,
  invoice_prefix_locked_until: r.invoicePrefixLockedUntil,
  gst_rate_bp: r.gstRateBp,
  round_off: r.roundOff,
  huid_required: r.huidRequired,
  cash_limit_paise: r.cashLimitPaise,
  cash_payout_limit_paise: r.cashPayoutLimitPaise,
  pan_threshold_paise: r.panThresholdPaise,
  buyer_details_threshold_paise: r.buyerDetailsThresholdPaise,
  usd_inr_paise: r.usdInrPaise,
  stone_markup_bp: r.stoneMarkupBp,
  cashier_discount_limit_bp: r.cashierDiscountLimitBp,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});
