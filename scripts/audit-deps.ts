// `npm run audit:deps`: `npm audit --omit=dev --audit-level=high`, read as JSON so that "the advisory
// service could not be asked" is never mistaken for either a pass or a finding. Exit 1 on any high or
// critical advisory in what ships. When the service cannot be asked (offline, or a registry mirror
// without the advisory endpoint) it says so loudly and exits 0: nothing was checked, and the log
// says that rather than blocking every build on a machine that cannot reach the service.
import { spawnSync } from 'node:child_process';

const r = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});

interface Report {
  auditReportVersion?: number;
  vulnerabilities?: Record<string, { severity: string; via: unknown[]; fixAvailable: unknown }>;
  metadata?: { vulnerabilities: Record<string, number> };
  message?: string;
  error?: { summary?: string };
}

let report: Report = {};
try {
  report = JSON.parse(r.stdout) as Report;
} catch {
  // no JSON at all: npm itself failed before asking
}

if (report.auditReportVersion === undefined || !report.metadata) {
  const why = report.message || report.error?.summary || r.stderr.trim().split('\n').at(-1) || `exit ${r.status}`;
  console.error(
    [
      '================================================================',
      'npm audit UNAVAILABLE: production dependencies were NOT checked.',
      `The advisory service could not be asked: ${why}`,
      'Run `npm run audit:deps` where the npm registry is reachable.',
      '================================================================',
    ].join('\n'),
  );
  process.exit(0);
}

const counts = report.metadata.vulnerabilities;
const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) =>
  ['high', 'critical'].includes(v.severity),
);
console.log(
  `npm audit (production dependencies): ${['critical', 'high', 'moderate', 'low']
    .map((s) => `${counts[s] ?? 0} ${s}`)
    .join(', ')}`,
);
for (const [name, v] of serious)
  console.error(`  ${v.severity}: ${name} (fix available: ${v.fixAvailable ? 'yes' : 'no'})`);
process.exit(serious.length > 0 ? 1 : 0);
