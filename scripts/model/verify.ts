// `npm run model:verify`: retrains every shipped model from its card's seed into a scratch directory
// and checks that the .onnx and the parity fixture are byte-identical to the committed ones. Takes a
// few minutes (the diamond model most of it), so it is a release check, not part of CI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TRAINERS = [
  { base: 'price-1.0.0', script: 'scripts/model/train.ts' },
  { base: 'diamond-1.0.0', script: 'scripts/model/diamond.ts' },
  { base: 'gold-forecast-1.0.0', script: 'scripts/model/gold-forecast.ts' },
];

const scratch = mkdtempSync(path.join(tmpdir(), 'tijori-models-'));
let failed = 0;
try {
  for (const t of TRAINERS) {
    const card = JSON.parse(readFileSync(`models/${t.base}.json`, 'utf8'));
    const seed = String(card.split?.seed ?? card.generator?.seed ?? '');
    const out = path.join(scratch, t.base);
    const args = ['tsx', t.script, '--version', card.version, '--out', out, '--fixtures', out];
    execFileSync('npx', seed ? [...args, '--seed', seed] : args, { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const file of [`models/${t.base}.onnx`, `test/fixtures/${t.base}-parity.json`]) {
      const same = readFileSync(file).equals(readFileSync(path.join(out, path.basename(file))));
      if (!same) failed++;
      console.log(`${same ? 'same' : 'DIFFERENT'}  ${file}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
