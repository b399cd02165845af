/**
 * The Markdown tables the benches print (core: bench/lib/report.ts; search: bench/lib/search-report.ts):
 * columns as wide as their widest cell, `leftCols` left-aligned and the others right-aligned, and an
 * optional group header line above the column heads.
 */
export interface Group {
  title: string;
  span: number;
}

export function table(head: string[], body: string[][], leftCols: readonly number[], groups?: Group[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  let col = 0;
  for (const g of groups ?? []) {
    const have = widths.slice(col, col + g.span).reduce((a, b) => a + b, 0) + 3 * (g.span - 1);
    // a title wider than its columns widens them evenly
    for (let extra = g.title.length - have, i = 0; extra > 0; extra--, i = (i + 1) % g.span) widths[col + i]++;
    col += g.span;
  }
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (leftCols.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  if (!groups) return [line(head), rule, ...body.map(line)].join('\n');
  col = 0;
  const groupCells = groups.map((g) => {
    const w = widths.slice(col, col + g.span).reduce((a, b) => a + b, 0) + 3 * (g.span - 1);
    col += g.span;
    return g.title.padEnd(w);
  });
  return [`| ${groupCells.join(' | ')} |`, line(head), rule, ...body.map(line)].join('\n');
}
