/**
 * The quarterly report as an Excel workbook: a summary sheet (the report's title, audience,
 * reporting lines and headline figures) and one sheet per table, every text cell neutralised
 * against formula injection like every other download.
 */
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../platform/export/cells.ts';
import { exportColumns, type Table } from './tables.ts';
import { reportTables, type QuarterlyReport } from './report.ts';

/** Excel's rules: at most 31 characters, none of \ / ? * [ ] :, unique in the workbook. */
export function sheetName(caption: string, taken: Set<string>): string {
  const clean = caption.replace(/[\\/?*[\]:]/g, ' ').replace(/\s+/g, ' ').trim() || 'Table';
  let name = clean.slice(0, 31).trim();
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${clean.slice(0, 31 - String(i).length - 1).trim()} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

function addTable(workbook: ExcelJS.Workbook, table: Table, taken: Set<string>): void {
  const sheet = workbook.addWorksheet(sheetName(table.caption, taken));
  const columns = exportColumns(table);
  sheet.addRow([neutraliseCell(table.caption)]).font = { bold: true, size: 13 };
  const header = sheet.addRow(columns.map((c) => neutraliseCell(c.header)));
  header.font = { bold: true };
  for (const row of table.rows) sheet.addRow(columns.map((c) => neutraliseCell(c.value(row))));
  if (table.rows.length === 0) sheet.addRow([neutraliseCell(table.empty)]);
  columns.forEach((c, i) => (sheet.getColumn(i + 1).width = c.width ?? 18));
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
}

export async function reportWorkbook(report: QuarterlyReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Sightline';
  workbook.title = report.title;
  const taken = new Set<string>();
  const summary = workbook.addWorksheet(sheetName('Summary', taken));
  summary.addRow([neutraliseCell(report.title)]).font = { bold: true, size: 14 };
  summary.addRow([neutraliseCell(`For the ${report.audienceLabel.toLowerCase()}`)]);
  summary.addRow([]);
  summary.addRow(['Headline figure', 'Value', 'Detail']).font = { bold: true };
  for (const h of report.headlines) summary.addRow([neutraliseCell(h.label), neutraliseCell(h.value), neutraliseCell(h.detail ?? '')]);
  if (report.reportingLines.length) {
    summary.addRow([]);
    summary.addRow(['Where this report goes (the QA framework)']).font = { bold: true };
    for (const line of report.reportingLines) summary.addRow([neutraliseCell(line)]);
  }
  summary.getColumn(1).width = 48;
  summary.getColumn(2).width = 16;
  summary.getColumn(3).width = 60;
  for (const table of reportTables(report)) addTable(workbook, table, taken);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
