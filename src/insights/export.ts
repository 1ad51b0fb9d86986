/**
 * Downloads of any table on an insight page, as CSV or an Excel workbook, through the shared
 * export helper (every text cell neutralised against formula injection, sent as an attachment).
 * The table is rebuilt from the same filters as the page, so a download never holds more than
 * the viewer's page showed.
 */
import type { Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../platform/auth/actor.ts';
import { sendDownload, toCsv, toXlsx } from '../platform/export/table.ts';
import { exportColumns, type Table } from './tables.ts';

const ExportQuery = z.object({ table: z.string().max(120), format: z.enum(['csv', 'xlsx']) });

export function exportRequest(query: unknown): { table: string; format: 'csv' | 'xlsx' } {
  const parsed = ExportQuery.safeParse(query);
  // A download link that names no table is a page that does not exist.
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

/** A fixed file name from the page and table ids and the period, never from what a user typed. */
export function fileNameFor(page: string, tableId: string, period: string): string {
  return `${page}-${tableId}-${period}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
}

export async function sendTable(res: Response, tables: readonly Table[], request: { table: string; format: 'csv' | 'xlsx' }, page: string, period: string): Promise<Table> {
  const table = tables.find((t) => t.id === request.table);
  if (!table) throw new NotFoundError();
  const columns = exportColumns(table);
  const fileName = fileNameFor(page, table.id, period);
  const body = request.format === 'csv' ? toCsv(columns, table.rows) : await toXlsx(table.caption.slice(0, 31).replace(/[\\/?*[\]:]/g, ' '), columns, table.rows);
  sendDownload(res, fileName, request.format, body);
  return table;
}
