/**
 * The backup file: gzip'd lines of JSON, the same for PGlite and PostgreSQL.
 *
 *   ["header", {format, version, createdAt, engine, migrations, tables}]
 *   ["table", {name, columns}]        then that table's rows, one JSON object per line
 *   ...                               every table, each after the tables it references
 *   ["manifest", {tables: [{name, rows, sha256}], sha256}]
 *
 * Control lines are arrays and rows are objects, so no column name can be mistaken for one.
 * Each table's sha256 covers its row lines; the manifest's covers every line before it.
 */
import { z } from 'zod';

export const FORMAT = 'sightline-backup';
export const FORMAT_VERSION = 1;

const MigrationLevelSchema = z.object({ count: z.number().int().min(0), latest: z.string().nullable(), hash: z.string().nullable() });

export const HeaderSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  createdAt: z.string(),
  engine: z.enum(['pglite', 'postgres']),
  migrations: MigrationLevelSchema,
  tables: z.array(z.string().min(1)),
});
export type Header = z.infer<typeof HeaderSchema>;

export const TableStartSchema = z.object({ name: z.string().min(1), columns: z.array(z.string().min(1)).min(1) });

export const ManifestSchema = z.object({
  tables: z.array(z.object({ name: z.string(), rows: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export type ControlLine = ['header', Header] | ['table', z.infer<typeof TableStartSchema>] | ['manifest', Manifest];

export function controlLine(line: ControlLine): string {
  return JSON.stringify(line);
}
