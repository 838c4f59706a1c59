// The HTML report of `turbotoken analyze` and `turbotoken audit`: one file, no script, no network;
// the charts are inline SVG drawn here.
import type { Analysis } from '../analyze';
import type { Audit } from '../audit';
import type { PremiumResult } from '../premium';

/** What `turbotoken analyze` reports (its --format json is this object). */
export interface AnalysisReport {
  analysis: Analysis | null;
  premium: PremiumResult[];
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { padding: 0.2em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child, td.name { text-align: left; }
svg { display: block; margin: 0.5em 0; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.note { color: #666; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** Round tick values from 0 to at least max. */
function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v < max + step; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

function axis(width: number, top: number, plotHeight: number, left: number, values: number[], label: string): string {
  const max = values[values.length - 1];
  let svg = `<text x="12" y="${top + plotHeight / 2}" transform="rotate(-90 12 ${top + plotHeight / 2})" text-anchor="middle">${escapeHtml(label)}</text>`;
  for (const v of values) {
    const y = top + plotHeight - (v / max) * plotHeight;
    svg += `<line x1="${left}" x2="${width - 10}" y1="${y}" y2="${y}" stroke="#e5e5e5"/><text x="${left - 6}" y="${y + 4}" text-anchor="end">${v}</text>`;
  }
  return svg;
}

/** Grouped bars: one group per kind, one bar per encoding. */
function bytesPerTokenChart(report: AnalysisReport): string {
  const rows = report.analysis!.rows;
  const encodings = [...new Set(rows.map((r) => r.encoding))];
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const values = ticks(Math.max(...rows.map((r) => (Number.isFinite(r.bytesPerToken) ? r.bytesPerToken : 0))));
  const max = values[values.length - 1];
  const bar = 22;
  const left = 56;
  const top = 16;
  const plotHeight = 240;
  // Groups spread over at least 640 pixels, so that a few kinds do not huddle on the left.
  const groupWidth = Math.max(encodings.length * bar + 24, Math.floor((640 - left - 20) / kinds.length));
  const width = left + kinds.length * groupWidth + 20;
  const legendTop = top + plotHeight + 40;
  const height = legendTop + encodings.length * 18 + 8;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Bytes per token by encoding and text kind">`;
  svg += axis(width, top, plotHeight, left, values, 'bytes per token');
  kinds.forEach((kind, g) => {
    const x0 = left + g * groupWidth + (groupWidth - encodings.length * bar) / 2;
    encodings.forEach((encoding, e) => {
      const row = rows.find((r) => r.kind === kind && r.encoding === encoding)!;
      const v = Number.isFinite(row.bytesPerToken) ? row.bytesPerToken : 0;
      const h = (v / max) * plotHeight;
      svg += `<rect x="${x0 + e * bar}" y="${top + plotHeight - h}" width="${bar - 3}" height="${h}" fill="${PALETTE[e % PALETTE.length]}"><title>${escapeHtml(`${encoding}, ${kind}: ${fixed(row.bytesPerToken, 3)} bytes/token`)}</title></rect>`;
    });
    svg += `<text x="${x0 + (encodings.length * bar) / 2}" y="${top + plotHeight + 16}" text-anchor="middle">${escapeHtml(kind)}</text>`;
  });
  encodings.forEach((encoding, e) => {
    const y = legendTop + e * 18;
    svg += `<rect x="${left}" y="${y - 10}" width="12" height="12" fill="${PALETTE[e % PALETTE.length]}"/><text x="${left + 18}" y="${y}">${escapeHtml(encoding)}</text>`;
  });
  return `${svg}</svg>`;
}

/** Every language's premium, highest first, with the median and p90 as lines. */
function premiumChart(p: AnalysisReport['premium'][number]): string {
  const n = p.languages.length;
  const values = ticks(Math.max(1, ...p.languages.map((l) => l.premium)));
  const max = values[values.length - 1];
  const left = 56;
  const top = 16;
  const plotHeight = 260;
  const labelled = n <= 80;
  const bar = labelled ? 14 : Math.max(2, Math.min(14, Math.floor(1000 / Math.max(1, n))));
  const width = Math.max(420, left + n * bar + 20);
  const height = top + plotHeight + (labelled ? 90 : 30);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Token premium by language">`;
  svg += axis(width, top, plotHeight, left, values, `tokens ÷ ${p.reference} tokens`);
  p.languages.forEach((l, k) => {
    const h = (l.premium / max) * plotHeight;
    const x = left + 4 + k * bar;
    svg += `<rect x="${x}" y="${top + plotHeight - h}" width="${Math.max(1, bar - (labelled ? 3 : 1))}" height="${h}" fill="${PALETTE[0]}"><title>${escapeHtml(`${l.language}: ${fixed(l.premium, 3)} (${l.tokens} tokens)`)}</title></rect>`;
    if (labelled) svg += `<text x="${x + bar / 2}" y="${top + plotHeight + 8}" transform="rotate(60 ${x + bar / 2} ${top + plotHeight + 8})">${escapeHtml(l.language)}</text>`;
  });
  for (const [name, v, colour] of [['median', p.median, '#e15759'], ['p90', p.p90, '#f28e2b']] as const) {
    if (!Number.isFinite(v)) continue;
    const y = top + plotHeight - (v / max) * plotHeight;
    svg += `<line x1="${left}" x2="${width - 10}" y1="${y}" y2="${y}" stroke="${colour}" stroke-dasharray="5 3"/><text x="${width - 12}" y="${y - 4}" text-anchor="end" style="fill:${colour}">${name} ${fixed(v, 2)}</text>`;
  }
  const y1 = top + plotHeight - (1 / max) * plotHeight;
  svg += `<line x1="${left}" x2="${width - 10}" y1="${y1}" y2="${y1}" stroke="#333"/>`;
  return `${svg}</svg>`;
}

function htmlTable(head: string[], rows: string[][], nameColumns = 1): string {
  const cells = (r: string[], tag: string) => r.map((c, k) => `<${tag}${k < nameColumns && tag === 'td' ? ' class="name"' : ''}>${escapeHtml(c)}</${tag}>`).join('');
  return `<table><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${rows.map((r) => `<tr>${cells(r, 'td')}</tr>`).join('')}</tbody></table>`;
}

export function analysisHtml(report: AnalysisReport): string {
  let body = '';
  if (report.analysis) {
    const a = report.analysis;
    body += `<h2>Compression</h2>${bytesPerTokenChart(report)}`;
    body += htmlTable(
      ['encoding', 'kind', 'texts', 'bytes', 'tokens', 'bytes/token', 'chars/token', 'tokens/word', 'utilisation', `Rényi (α=${a.alpha}) / log|V|`, 'Rényi / log(types)'],
      a.rows.map((r) => [r.encoding, r.kind, String(r.texts), String(r.bytes), String(r.tokens), fixed(r.bytesPerToken, 3), fixed(r.charactersPerToken, 3), fixed(r.fertility, 3), fixed(r.utilisation, 4), fixed(r.renyiEfficiency, 4), fixed(r.renyiEfficiencyObserved, 4)]),
      2,
    );
  }
  for (const p of report.premium) {
    body += `<h2>Token premium: ${escapeHtml(p.encoding)}</h2>`;
    body += `<p>Tokens of each language's text ÷ tokens of the same text in <b>${escapeHtml(p.reference)}</b> (${p.referenceTokens} tokens), ${p.languages.length} languages: median <b>${fixed(p.median, 3)}</b>, p90 <b>${fixed(p.p90, 3)}</b>.</p>`;
    body += premiumChart(p);
    body += `<p class="note">The ${p.worst.length} most expensive languages:</p>`;
    body += htmlTable(['language', 'tokens', 'premium'], p.worst.map((l) => [l.language, String(l.tokens), fixed(l.premium, 3)]));
  }
  if (!body) body = '<p>Nothing to report.</p>';
  return page('turbotoken analyze', body);
}

export function auditHtml(audits: Audit[]): string {
  let body = '';
  for (const a of audits) {
    body += `<h2>${escapeHtml(a.encoding)}</h2>`;
    body += htmlTable(['category', 'count'], [
      ['ids (nVocab)', String(a.nVocab)],
      ['ordinary tokens', String(a.ordinaryTokens)],
      ['unreachable', String(a.unreachable.length)],
      ['partial UTF-8', String(a.partialUtf8.length)],
      ['special tokens', String(a.specialTokens.length)],
      ['id holes', String(a.holeCount)],
      ['duplicate byte strings', String(a.duplicates.length)],
    ]);
    if (a.unreachable.length) {
      body += '<p class="note">Unreachable tokens: their own text encodes to other ids.</p>';
      body += htmlTable(['id', 'text', 'encodes to'], a.unreachable.map((u) => [String(u.id), JSON.stringify(u.text), u.encodesTo.join(' ')]), 2);
    }
  }
  return page('turbotoken audit', body);
}
