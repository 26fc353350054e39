// The harness's results as Markdown tables and SVG charts (written here by hand: no charting dependency). A
// chart per scenario: cost per operation — reference req/s ÷ path req/s, measured in the same round — against the
// installation's size (hosts, log scale), one line per path, so growth shows at a glance.
import type { ScenarioResult } from './run-scenario.ts';

export interface BenchReport {
  date: string;
  machine: string;
  settings: Record<string, unknown>;
  sizes: number[];
  results: ScenarioResult[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const thousands = (n: number) => n.toLocaleString('en');
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Markdown: one table per scenario, a row per size and path. */
export function markdownReport(report: BenchReport): string {
  const lines = [`# Bench harness — ${report.date}`, '', `Machine: ${report.machine}. Settings: \`${JSON.stringify(report.settings)}\`.`, ''];
  lines.push('Cost = reference req/s ÷ path req/s in the same round (median of rounds): 1.0 costs what the reference costs.', '');
  for (const name of [...new Set(report.results.map((r) => r.scenario))]) {
    const runs = report.results.filter((r) => r.scenario === name);
    lines.push(`## ${runs[0]!.title} (\`${name}\`)`, '');
    const skipped = runs.find((r) => r.skipped);
    if (skipped) {
      lines.push(`Not run: ${skipped.skipped}.`, '');
      continue;
    }
    lines.push('| hosts | path | cost × reference | req/s | reference req/s | p50 ms | p99 ms | reference p50 ms | requests | statuses (last round) |');
    lines.push('| --: | :-- | --: | --: | --: | --: | --: | --: | --: | :-- |');
    for (const run of runs) {
      for (const path of run.paths) {
        const statuses = path.steps.map((s) => `${s.name}: ${Object.entries(s.status).map(([status, count]) => `${status}×${count}`).join(' ')}`).join('; ');
        const cost = path.background ? 'background' : path.cost.toFixed(2);
        const reference = path.background ? '' : thousands(path.referenceRequestsPerSecond);
        const referenceP50 = path.background ? '' : String(path.referenceP50Ms);
        lines.push(`| ${thousands(run.hosts)} | ${path.path} | ${cost} | ${thousands(path.requestsPerSecond)} | ${reference} | ${path.p50Ms} | ${path.p99Ms} | ${referenceP50} | ${thousands(path.requests)} | ${statuses} |`);
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** An SVG line chart of one scenario: x the hosts (log scale), y the cost, a line and a legend entry per path. */
export function costChart(results: ScenarioResult[]): string {
  const measured = results.filter((r) => !r.skipped);
  const names = [...new Set(measured.flatMap((r) => r.paths.filter((p) => !p.background).map((p) => p.path)))];
  const sizes = [...new Set(measured.map((r) => r.hosts))].sort((a, b) => a - b);
  const points = (name: string) => measured.flatMap((r) => r.paths.filter((p) => p.path === name && !p.background).map((p) => ({ hosts: r.hosts, cost: p.cost })));
  const width = 720;
  const height = 400;
  const margin = { left: 60, right: 220, top: 40, bottom: 50 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxCost = Math.max(1, ...names.flatMap((n) => points(n).map((p) => p.cost)));
  const yTop = niceCeiling(maxCost * 1.1);
  const logMin = Math.log10(sizes[0] ?? 1);
  const logMax = Math.log10(sizes.at(-1) ?? 10);
  const x = (hosts: number) => margin.left + (logMax === logMin ? plotWidth / 2 : ((Math.log10(hosts) - logMin) / (logMax - logMin)) * plotWidth);
  const y = (cost: number) => margin.top + plotHeight - (cost / yTop) * plotHeight;
  const title = `${measured[0]?.title ?? results[0]?.title ?? ''}: cost per operation × reference`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (yTop / 4) * i;
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${y(value) + 4}" text-anchor="end">${Number(value.toFixed(2))}</text>`);
  }
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`);
  for (const hosts of sizes) {
    parts.push(`<text x="${x(hosts)}" y="${margin.top + plotHeight + 18}" text-anchor="middle">${thousands(hosts)}</text>`);
  }
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">hosts in the installation</text>`);
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`);
  names.forEach((name, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const line = points(name).sort((a, b) => a.hosts - b.hosts);
    if (line.length > 1) parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${line.map((p) => `${x(p.hosts).toFixed(1)},${y(p.cost).toFixed(1)}`).join(' ')}"/>`);
    for (const p of line) parts.push(`<circle cx="${x(p.hosts).toFixed(1)}" cy="${y(p.cost).toFixed(1)}" r="3.5" fill="${colour}"><title>${escapeXml(name)}: ${p.cost} at ${thousands(p.hosts)} hosts</title></circle>`);
    const legendY = margin.top + 10 + i * 18;
    parts.push(`<line x1="${width - margin.right + 15}" x2="${width - margin.right + 35}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${width - margin.right + 40}" y="${legendY + 4}">${escapeXml(name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** 1, 2 or 5 times a power of ten, at least `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}
