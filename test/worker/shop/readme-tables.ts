// The README's worked example ("Pricing and invoices") as data, so the tests that check it against the
// API read the numbers a reader sees, and the README and the API cannot drift apart unnoticed.
import { expect } from 'vitest';
import readme from '../../../README.md?raw';
import type { Json } from '../helpers';

/** A table of the worked example, named by its first header: each row's first cell and its number column. */
export function readmeTable(header: string): Record<string, number> {
  const section = readme.slice(readme.indexOf('### Worked example: a 22K chain'));
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${header} `));
  expect(start, `README table "${header}"`).toBeGreaterThanOrEqual(0);
  const rows: Record<string, number> = {};
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').map((c) => c.trim());
    rows[cells[1]!] = Number(cells[3]!.replaceAll(',', '').replace('−', '-'));
  }
  return rows;
}

export const pick = (row: Record<string, number>, keys: string[]) => {
  for (const k of keys) expect(Number.isInteger(row[k]), `README row ${k}`).toBe(true);
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
};

/** The README's worked example: a 22K chain, 10 g net. */
export const chain = (over: Json = {}): Json => ({
  category: 'chain',
  purity: 916,
  gross_weight_mg: 10_000,
  net_weight_mg: 10_000,
  stone_weight_mg: 0,
  pricing_mode: 'weight',
  wastage_bp: 800,
  making_charge_type: 'per_gram',
  making_charge_paise: 45_000,
  other_charge_paise: 4_500,
  ...over,
});
