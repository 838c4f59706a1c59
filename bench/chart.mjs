// A grouped horizontal bar chart (SVG, no dependencies): MB/s per input, one bar per contestant.
const COLORS = ['#d9480f', '#1c7ed6', '#5c940d', '#862e9c', '#495057'];

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function barChart({ title, rows, names }) {
  const barH = 9, gap = 10, labelW = 200, plotW = 520, top = 40;
  const groupH = names.length * barH + gap;
  const height = top + rows.length * groupH + 40;
  const max = Math.max(...rows.flatMap((r) => names.map((n) => r.values[n] ?? 0)));
  // A log scale keeps slow contestants visible next to fast ones.
  const scale = (v) => (v > 0 ? (Math.log10(v * 10 + 1) / Math.log10(max * 10 + 1)) * plotW : 0);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 90}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`, `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`];
  names.forEach((n, i) => parts.push(`<rect x="${labelW + i * 120}" y="26" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${labelW + 14 + i * 120}" y="35">${escape(n)}</text>`));
  rows.forEach((row, r) => {
    const y0 = top + 10 + r * groupH;
    parts.push(`<text x="${labelW - 6}" y="${y0 + (names.length * barH) / 2 + 4}" text-anchor="end">${escape(row.label)}</text>`);
    names.forEach((n, i) => {
      const v = row.values[n];
      if (v === undefined) return;
      const y = y0 + i * barH;
      parts.push(`<rect x="${labelW}" y="${y}" width="${scale(v).toFixed(1)}" height="${barH - 1}" fill="${COLORS[i % COLORS.length]}"/>`);
      parts.push(`<text x="${labelW + scale(v) + 4}" y="${y + barH - 1}" font-size="9">${v >= 10 ? v.toFixed(0) : v.toFixed(2)}</text>`);
    });
  });
  parts.push(`<text x="${labelW}" y="${height - 10}" fill="#666">MB/s (log scale), single thread; longer is faster</text></svg>`);
  return parts.join('\n');
}
