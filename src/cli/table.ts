/**
 * Aligned tables as docker prints them (tabwriter with three spaces between columns).
 * @module
 */

/** Aligns rows of cells into columns; the last column is not padded. */
export function formatTable(rows: string[][], gap = 3): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, [...c].length); });
  return rows.map((r) => r.map((c, i) => i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length + gap))
    .join('').trimEnd()).join('\n') + (rows.length ? '\n' : '');
}

/** Aligns tab-separated lines (a rendered `table` template) into columns. */
export function alignTabs(lines: string[]): string {
  return formatTable(lines.map((l) => l.split('\t')));
}
