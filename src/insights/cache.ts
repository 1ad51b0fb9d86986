/**
 * Dashboards are read far more often than their figures change, and at a large council one takes
 * a second or more to count. So each page's figures are kept, per page, scope and filters, with a
 * fingerprint of the data they were counted from, and counted again as soon as the fingerprint
 * changes: a page is never older than the data, only cheaper.
 *
 * The fingerprint is one small query over the records the pages count: audits (every save to an
 * audit bumps its version: its grades, moderation, disputes, closing), family feedback and themes
 * (added without a new version), the theme list, actions and children (their latest change, by
 * index), the latest deadline computation, the catalogue's current versions, and teams and people
 * (names on the pages). Nothing here is ever deleted except a theme tag, which the count catches.
 *
 * Under load the fingerprint would be read for every request; one read serves every request for
 * the next FRESH_MS milliseconds, so a page may be that much older than the data, never more.
 * Requests for figures being counted share the count.
 *
 * Links to single audits depend on who is looking, so figures are kept without them: a cell names
 * its audit (`auditId`) and each request turns into links only those its viewer may open.
 */
import { inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';
import { visibleAuditsWhere } from '../audits/core.ts';
import { audits } from '../audits/schema.ts';
import type { Cell, Figure } from './tables.ts';

export async function dataFingerprint(db: Db, organisationId: string): Promise<string> {
  const org = sql`${organisationId}::uuid`;
  const [row] = await queryRows<{ fingerprint: string }>(
    db,
    sql`select concat_ws('|',
          (select count(*) || ':' || coalesce(sum(version), 0) || ':' || coalesce(max(submitted_at)::text, '') from audits where organisation_id = ${org}),
          (select count(*) || ':' || coalesce(max(recorded_at)::text, '') from audit_family_feedback),
          (select count(*) || ':' || coalesce(max(tagged_at)::text, '') from audit_themes),
          (select count(*) || ':' || coalesce(string_agg(name || active::text, ',' order by id), '') from audit_themes_list where organisation_id = ${org}),
          (select count(*) || ':' || coalesce(max(updated_at)::text, '') from actions where organisation_id = ${org}),
          (select coalesce(max(computed_at)::text, '') from compliance_runs where organisation_id = ${org}),
          (select coalesce(max(updated_at)::text, '') from children where organisation_id = ${org}),
          (select coalesce(string_agg(catalogue_id || '@' || coalesce(current_version, 0), ',' order by catalogue_id), '') from catalogue_entries where organisation_id = ${org}),
          (select count(*) || ':' || coalesce(sum(version), 0) from teams where organisation_id = ${org}),
          (select count(*) || ':' || coalesce(sum(version), 0) from users where organisation_id = ${org})
        ) as "fingerprint"`,
  );
  return row?.fingerprint ?? '';
}

interface Entry {
  fingerprint: string;
  value: Promise<unknown>;
}

/** How long one fingerprint read serves later requests. */
export const FRESH_MS = 50;

export class FigureCache {
  private readonly entries = new Map<string, Entry>();
  private readonly reads = new Map<string, { started: number; value: Promise<string> }>();

  constructor(private readonly maxEntries = 200) {}

  /** The organisation's fingerprint, read at most once every FRESH_MS; concurrent callers share a read. */
  fingerprint(db: Db, organisationId: string): Promise<string> {
    const now = performance.now();
    const last = this.reads.get(organisationId);
    if (last && now - last.started < FRESH_MS) return last.value;
    const value = dataFingerprint(db, organisationId);
    this.reads.set(organisationId, { started: now, value });
    // A failed read is not reused.
    value.catch(() => {
      if (this.reads.get(organisationId)?.value === value) this.reads.delete(organisationId);
    });
    return value;
  }

  /** The figures under `key` counted from data with this fingerprint, counting them if need be. */
  async figures<T>(key: string, fingerprint: string, count: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.fingerprint === fingerprint) {
      // Most recently used last: the first key is the one to drop.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value as Promise<T>;
    }
    const value = count();
    this.entries.set(key, { fingerprint, value });
    // A count that failed is not kept: the next request tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

/**
 * Figures with links to the single audits the viewer may open, and no link to the others. The
 * figures given are not changed (they may be shared by every viewer); linked copies are returned.
 */
export async function withAuditLinks(db: Db, actor: Actor, figures: readonly Figure[]): Promise<Figure[]> {
  const ids = new Set<string>();
  for (const f of figures) for (const row of f.table.rows) for (const cell of row) if (cell.auditId) ids.add(cell.auditId);
  if (ids.size === 0) return [...figures];
  const visible = new Set(
    (
      await db
        .select({ id: audits.id })
        .from(audits)
        .where(sql`${inArray(audits.id, [...ids])} and ${await visibleAuditsWhere(db, actor)}`)
    ).map((r) => r.id),
  );
  const link = (cell: Cell): Cell => (cell.auditId && visible.has(cell.auditId) ? { ...cell, href: `/audits/${cell.auditId}` } : cell);
  return figures.map((f) => (f.table.rows.some((row) => row.some((c) => c.auditId)) ? { ...f, table: { ...f.table, rows: f.table.rows.map((row) => row.map(link)) } } : f));
}
