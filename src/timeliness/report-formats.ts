/**
 * The compliance result written out for people and programs: JSON (the command-line contract),
 * CSV (one row per item, for a spreadsheet) and a plain-text table (a summary per measure).
 */
import type { ComplianceResult, MeasureSummary } from './engine.ts';

export type ReportFormat = 'json' | 'csv' | 'table';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'table'];

export function formatReport(result: ComplianceResult, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'csv':
      return itemsCsv(result);
    case 'table':
      return summaryTable(result);
  }
}

const CSV_COLUMNS = ['childId', 'measure', 'status', 'anchorDate', 'dueDate', 'actualDate'] as const;

/**
 * A cell a spreadsheet could run as a formula (starting = + - @, tab or carriage return) gets a
 * leading apostrophe. Child ids come from councils' files, so one could be crafted to do harm.
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function itemsCsv(result: ComplianceResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const item of result.items) lines.push(CSV_COLUMNS.map((column) => csvCell(item[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Met as a share of the deadlines already decided or passed (pending ones are not yet either). */
export function onTimeRate(m: Pick<MeasureSummary, 'met' | 'missed' | 'overdue'>): number | null {
  const decided = m.met + m.missed + m.overdue;
  return decided === 0 ? null : m.met / decided;
}

function summaryTable(result: ComplianceResult): string {
  const header = ['Measure', 'Met', 'Missed', 'Overdue', 'Pending', 'On time'];
  const skipped = new Set(result.measuresNotEvaluated.map((m) => m.id));
  const rows = result.measures.map((m) => {
    if (skipped.has(m.id)) return [m.id, '', '', '', '', 'not evaluated'];
    const rate = onTimeRate(m);
    return [m.id, String(m.met), String(m.missed), String(m.overdue), String(m.pending), rate === null ? '-' : `${(rate * 100).toFixed(1)}%`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [`Timeliness as of ${result.asOf}`, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  out.push('On time: met as a share of met, missed and overdue.', '');
  for (const m of result.measures) out.push(`${m.id}: ${m.title}`, `  Source: ${m.source}`);
  for (const m of result.measuresNotEvaluated) out.push('', `${m.id} not evaluated: ${m.reason}.`);
  if (result.notEvaluated.length > 0) {
    out.push('', `${result.notEvaluated.length} deadline(s) could not be evaluated (see the JSON output for each one).`);
  }
  return `${out.join('\n')}\n`;
}
