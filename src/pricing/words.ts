// An amount in words in the Indian system (thousand, lakh, crore), as invoices print the total:
// "Rupees One Lakh Two Thousand Three Hundred Four and Fifty Paise Only" (contract: Invoices).
// Above 99 crore the crore count is itself read in the Indian system ("One Lakh Crore"), so every
// safe-integer amount has words.

const ONES = [
  '',
  'One',
  'Two',
  'Three',
  'Four',
  'Five',
  'Six',
  'Seven',
  'Eight',
  'Nine',
  'Ten',
  'Eleven',
  'Twelve',
  'Thirteen',
  'Fourteen',
  'Fifteen',
  'Sixteen',
  'Seventeen',
  'Eighteen',
  'Nineteen',
];
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'];

function belowHundred(n: number): string[] {
  if (n < 20) return n ? [ONES[n] as string] : [];
  return [TENS[Math.floor(n / 10)] as string, ...(n % 10 ? [ONES[n % 10] as string] : [])];
}

/** The words of 1 ≤ n (no "Zero"), grouped crore / lakh / thousand / hundred. */
function indian(n: number): string[] {
  const crore = Math.floor(n / 10_000_000);
  const lakh = Math.floor(n / 100_000) % 100;
  const thousand = Math.floor(n / 1000) % 100;
  const hundred = Math.floor(n / 100) % 10;
  return [
    ...(crore ? [...indian(crore), 'Crore'] : []),
    ...(lakh ? [...belowHundred(lakh), 'Lakh'] : []),
    ...(thousand ? [...belowHundred(thousand), 'Thousand'] : []),
    ...(hundred ? [ONES[hundred] as string, 'Hundred'] : []),
    ...belowHundred(n % 100),
  ];
}

/** A non-negative amount of paise in words. */
export function amountInWords(paise: number): string {
  if (!Number.isSafeInteger(paise) || paise < 0) throw new RangeError(`${paise} is not a non-negative amount of paise`);
  const rupees = Math.floor(paise / 100);
  const rest = paise % 100;
  const words = ['Rupees', ...(rupees ? indian(rupees) : ['Zero'])];
  if (rest) words.push('and', ...belowHundred(rest), rest === 1 ? 'Paisa' : 'Paise');
  words.push('Only');
  return words.join(' ');
}
