// A dependency-free predicted-vs-actual scatter (log-log) for the model cards.

export interface Point {
  actual: number;
  predicted: number;
  /** Baseline prediction, drawn faintly behind the model's points. */
  baseline?: number;
}

export interface Axes {
  /** Tick label for a major value (a power of ten). */
  tick: (major: number) => string;
  baseline: string;
}

/** The price model's axes: points in paise, ticks in rupees (lakh above ₹1,00,000). */
const RUPEES: Axes = {
  tick: (d) => (d >= 1e5 ? `₹${d / 1e5}L` : `₹${d.toLocaleString('en-IN')}`),
  baseline: 'formula baseline (metal + making + GST)',
};

/** Points are in hundredths of the axes' unit (paise, cents). */
export function scatterSvg(points: readonly Point[], title: string, subtitle: string, axes: Axes = RUPEES): string {
  const W = 720;
  const H = 720;
  const pad = { l: 80, r: 24, t: 64, b: 64 };
  const inr = (p: number) => p / 100;
  const all = points.flatMap((p) => [inr(p.actual), inr(p.predicted), ...(p.baseline ? [inr(p.baseline)] : [])]);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const sx = (v: number) =>
    pad.l + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (W - pad.l - pad.r);
  const sy = (v: number) =>
    H - pad.b - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - pad.t - pad.b);
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${title}</text>`,
    `<text x="${W / 2}" y="44" text-anchor="middle" fill="#555">${subtitle}</text>`,
  );
  for (let d = lo; d <= hi; d *= 10) {
    const label = axes.tick(d);
    parts.push(
      `<line x1="${f(sx(d))}" y1="${pad.t}" x2="${f(sx(d))}" y2="${H - pad.b}" stroke="#eee"/>`,
      `<line x1="${pad.l}" y1="${f(sy(d))}" x2="${W - pad.r}" y2="${f(sy(d))}" stroke="#eee"/>`,
      `<text x="${f(sx(d))}" y="${H - pad.b + 18}" text-anchor="middle">${label}</text>`,
      `<text x="${pad.l - 8}" y="${f(sy(d) + 4)}" text-anchor="end">${label}</text>`,
    );
  }
  parts.push(
    `<line x1="${f(sx(lo))}" y1="${f(sy(lo))}" x2="${f(sx(hi))}" y2="${f(sy(hi))}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<text x="${W / 2}" y="${H - 20}" text-anchor="middle">actual price (holdout)</text>`,
    `<text transform="translate(20 ${H / 2}) rotate(-90)" text-anchor="middle">predicted price</text>`,
  );
  for (const p of points) {
    if (p.baseline)
      parts.push(
        `<circle cx="${f(sx(inr(p.actual)))}" cy="${f(sy(inr(p.baseline)))}" r="1.5" fill="#e67e22" fill-opacity="0.25"/>`,
      );
  }
  for (const p of points) {
    parts.push(
      `<circle cx="${f(sx(inr(p.actual)))}" cy="${f(sy(inr(p.predicted)))}" r="1.5" fill="#2c6fbb" fill-opacity="0.5"/>`,
    );
  }
  parts.push(
    `<circle cx="${pad.l + 16}" cy="${pad.t + 12}" r="4" fill="#2c6fbb"/><text x="${pad.l + 26}" y="${pad.t + 16}">model</text>`,
    `<circle cx="${pad.l + 16}" cy="${pad.t + 30}" r="4" fill="#e67e22" fill-opacity="0.5"/><text x="${pad.l + 26}" y="${pad.t + 34}">${axes.baseline}</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
