// GST identity rules in one pure module (no I/O): the state codes, which of them are union territories
// that charge UTGST, and the shapes of a GSTIN and a PAN.
//
// Sources:
// - GSTIN layout: 2-digit state code, the holder's PAN, entity number (1–9 then A–Z: the holder's
//   registrations in that state), a 14th character, check character — the Joint Committee on Business
//   Processes for GST's report on registration (2015), which kept the 14th character for future use;
//   GSTN issues 'Z' there to normal, composition and casual taxpayers (python-stdnum, stdnum/in_/gstin.py,
//   requires it too). Other letters mark special registrations (tax deductors, collectors) that neither
//   a shop nor its buyers hold, so they are refused.
// - Check character: Luhn mod N with N = 36 over `0-9A-Z` (https://en.wikipedia.org/wiki/Luhn_mod_N_algorithm),
//   as python-stdnum validates it (stdnum.luhn with that alphabet). Vectors in test/worker/lib/gstin.test.ts:
//   27AAPFU0939F1ZV (python-stdnum's doctest), 27AAACR5055K1Z7 (published as Reliance Industries'
//   Maharashtra GSTIN), 29AAGCB7383J1Z4 (a published validator example). Not checked against the GST
//   portal, which this build cannot reach. NIC's e-invoice sandbox GSTINs (e.g. 29AWGPV7107B1Z1) fail the
//   check: they are test data, not issued numbers.
// - State codes: GSTN's list (Census 2011 codes, 37 for Andhra Pradesh after 2014, 38 Ladakh, 97 Other
//   Territory, 99 Centre Jurisdiction).
// - UTGST territories: UTGST Act 2017 s.2(8) as amended by Act 12 of 2020 s.137 (Dadra and Nagar Haveli
//   and Daman and Diu merged; Ladakh added): Andaman and Nicobar Islands, Lakshadweep, Dadra and Nagar
//   Haveli and Daman and Diu, Ladakh, Chandigarh and "other territory". Delhi, Puducherry and Jammu and
//   Kashmir have legislatures and charge SGST.

export interface GstState {
  name: string;
  /** A union territory without a legislature: the state half of GST is UTGST there. */
  utgst: boolean;
}

const state = (name: string, utgst = false): GstState => ({ name, utgst });

export const GST_STATES: Readonly<Record<string, GstState>> = {
  '01': state('Jammu and Kashmir'),
  '02': state('Himachal Pradesh'),
  '03': state('Punjab'),
  '04': state('Chandigarh', true),
  '05': state('Uttarakhand'),
  '06': state('Haryana'),
  '07': state('Delhi'),
  '08': state('Rajasthan'),
  '09': state('Uttar Pradesh'),
  '10': state('Bihar'),
  '11': state('Sikkim'),
  '12': state('Arunachal Pradesh'),
  '13': state('Nagaland'),
  '14': state('Manipur'),
  '15': state('Mizoram'),
  '16': state('Tripura'),
  '17': state('Meghalaya'),
  '18': state('Assam'),
  '19': state('West Bengal'),
  '20': state('Jharkhand'),
  '21': state('Odisha'),
  '22': state('Chhattisgarh'),
  '23': state('Madhya Pradesh'),
  '24': state('Gujarat'),
  // Registrations made before the 2020 merger keep 25; new ones get 26.
  '25': state('Daman and Diu', true),
  '26': state('Dadra and Nagar Haveli and Daman and Diu', true),
  '27': state('Maharashtra'),
  // Andhra Pradesh before the 2014 division; GSTINs issued since use 37.
  '28': state('Andhra Pradesh (before division)'),
  '29': state('Karnataka'),
  '30': state('Goa'),
  '31': state('Lakshadweep', true),
  '32': state('Kerala'),
  '33': state('Tamil Nadu'),
  '34': state('Puducherry'),
  '35': state('Andaman and Nicobar Islands', true),
  '36': state('Telangana'),
  '37': state('Andhra Pradesh'),
  '38': state('Ladakh', true),
  '97': state('Other Territory', true),
  '99': state('Centre Jurisdiction'),
};

// Sorted: "01"–"09" are not integer-like keys, so Object.keys lists them after "10"–"99".
export const GST_STATE_CODES = Object.keys(GST_STATES).sort() as [string, ...string[]];

/** True where the invoice prints UTGST instead of SGST (the amount and the field stay `sgst`). */
export const isUtgstState = (code: string) => GST_STATES[code]?.utgst === true;

/** A PAN's shape: five letters, four digits, a letter (the Income Tax Department's format). */
export const PAN_PATTERN = /^[A-Z]{5}[0-9]{4}[A-Z]$/;

const GSTIN_PATTERN = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;
const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The check character for a GSTIN's first 14 characters (Luhn mod 36, see the header). */
export function gstinCheckChar(first14: string): string {
  let sum = 0;
  // From the right, every second code point (starting with the rightmost) is doubled; a product of
  // 36 or more contributes its base-36 digits' sum (quotient + remainder).
  for (let i = first14.length - 1, factor = 2; i >= 0; i--, factor = 3 - factor) {
    const product = BASE36.indexOf(first14[i]!) * factor;
    sum += Math.floor(product / 36) + (product % 36);
  }
  return BASE36[(36 - (sum % 36)) % 36]!;
}

/** Why an (uppercase) GSTIN is not valid, or null when it is. State-code agreement is the caller's rule. */
export function gstinProblem(gstin: string): string | null {
  if (gstin.length !== 15) return 'a GSTIN has 15 characters';
  if (!GSTIN_PATTERN.test(gstin)) {
    return 'not a GSTIN: 2-digit state code, PAN (AAAAA9999A), entity number 1-9/A-Z, Z, check character';
  }
  if (!Object.hasOwn(GST_STATES, gstin.slice(0, 2))) return `${gstin.slice(0, 2)} is not a GST state code`;
  if (gstinCheckChar(gstin.slice(0, 14)) !== gstin[14]) {
    return 'the check character (15th) does not match the rest: a character is mistyped';
  }
  return null;
}
