/**
 * Writing imported children and facts, and reading them back for the engine and the case pages.
 * Writes go in batches as column arrays (`unnest`), one statement per batch whatever its size, so a
 * million facts are a few hundred statements rather than a million.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { queryRows } from '../platform/db/client.ts';
import { teams, users } from '../org/schema.ts';
import type { CaseFact, Child } from './facts.ts';
import type { Directory, Link } from './linking.ts';
import { fromStoredFact, type FactRow, type StoredFact } from './stored-facts.ts';

/** The teams and active people of a council, to link extract names against. */
export async function loadDirectory(db: Db, organisationId: string): Promise<Directory> {
  const [teamRows, people] = await Promise.all([
    db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.organisationId, organisationId)),
    db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(and(eq(users.organisationId, organisationId), isNull(users.disabledAt))),
  ]);
  return { teams: teamRows, people };
}

export interface ChildRow {
  childRef: string;
  dateOfBirth: string | null;
  gender: string | null;
  /** The names as the extract gives them (null: the extract does not say), and what they link to. */
  extractTeam: string | null;
  extractWorker: string | null;
  link: Link;
}

const param = (values: unknown[]) => sql.param(values);

/**
 * Adds new children and updates known ones (matched on the council's child id, ignoring case).
 * A detail the extract leaves out keeps its current value; a team or worker the extract names
 * replaces the current one, linked or not. Returns each child's id by lower-cased child id.
 */
export async function upsertChildren(db: Db, organisationId: string, rows: readonly ChildRow[], batchSize = 10_000): Promise<Map<string, string>> {
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    await db.execute(sql`
      insert into children (organisation_id, child_ref, date_of_birth, gender, team_id, worker_id, extract_team, extract_worker, source)
      select ${organisationId}, u.ref, u.dob, u.gender, u.team_id, u.worker_id, u.extract_team, u.extract_worker, 'import'
      from unnest(${param(batch.map((r) => r.childRef))}::text[], ${param(batch.map((r) => r.dateOfBirth))}::date[],
                  ${param(batch.map((r) => r.gender))}::text[], ${param(batch.map((r) => r.link.teamId))}::uuid[],
                  ${param(batch.map((r) => r.link.workerId))}::uuid[], ${param(batch.map((r) => r.extractTeam))}::text[],
                  ${param(batch.map((r) => r.extractWorker))}::text[])
           as u(ref, dob, gender, team_id, worker_id, extract_team, extract_worker)
      on conflict (organisation_id, lower(child_ref)) do update set
        date_of_birth = coalesce(excluded.date_of_birth, children.date_of_birth),
        gender = coalesce(excluded.gender, children.gender),
        team_id = case when excluded.extract_team is null then children.team_id else excluded.team_id end,
        extract_team = coalesce(excluded.extract_team, children.extract_team),
        worker_id = case when excluded.extract_worker is null then children.worker_id else excluded.worker_id end,
        extract_worker = coalesce(excluded.extract_worker, children.extract_worker),
        version = children.version + 1,
        updated_at = now()
      where (children.date_of_birth, children.gender, children.team_id, children.extract_team, children.worker_id, children.extract_worker)
        is distinct from (coalesce(excluded.date_of_birth, children.date_of_birth), coalesce(excluded.gender, children.gender),
                          case when excluded.extract_team is null then children.team_id else excluded.team_id end,
                          coalesce(excluded.extract_team, children.extract_team),
                          case when excluded.extract_worker is null then children.worker_id else excluded.worker_id end,
                          coalesce(excluded.extract_worker, children.extract_worker))`);
  }
  const ids = new Map<string, string>();
  for (let start = 0; start < rows.length; start += batchSize) {
    const refs = rows.slice(start, start + batchSize).map((r) => r.childRef.toLowerCase());
    const found = await queryRows<{ id: string; ref: string }>(
      db,
      sql`select id, lower(child_ref) as ref from children where organisation_id = ${organisationId} and lower(child_ref) = any(${param(refs)}::text[])`,
    );
    for (const { id, ref } of found) ids.set(ref, id);
  }
  return ids;
}

export interface FactWrite {
  childId: string;
  stored: StoredFact;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Inserts new facts and updates changed ones by natural key; an identical fact is left alone and
 * counted unchanged. A fact restated by the same format replaces the stored one; restated by
 * another format (the SSD after Annex A, say) it is laid over it, so a detail only the first
 * format carries survives.
 */
export async function upsertFacts(
  db: Db,
  organisationId: string,
  importId: string | null,
  rows: readonly FactWrite[],
  options: { batchSize?: number; afterBatch?: (written: number) => Promise<void> } = {},
): Promise<WriteCounts> {
  // Batches of a few thousand rows: larger ones gain nothing on PostgreSQL and slow the embedded database.
  const batchSize = options.batchSize ?? 5_000;
  const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const merged = sql`(case when case_facts.source_format = excluded.source_format then excluded.fact else case_facts.fact || excluded.fact end)`;
    const [result] = await queryRows<{ inserted: number; updated: number }>(
      db,
      sql`
      with written as (
        insert into case_facts (organisation_id, child_id, kind, fact_key, event_date, end_date, fact, source_format, source_file, source_sheet, source_row, import_id)
        select ${organisationId}, u.child_id, u.kind, u.fact_key, u.event_date, u.end_date, u.fact, u.source_format, u.source_file, u.source_sheet, u.source_row, ${importId}::uuid
        from unnest(${param(batch.map((r) => r.childId))}::uuid[], ${param(batch.map((r) => r.stored.kind))}::text[],
                    ${param(batch.map((r) => r.stored.factKey))}::text[], ${param(batch.map((r) => r.stored.eventDate))}::date[],
                    ${param(batch.map((r) => r.stored.endDate))}::date[], ${param(batch.map((r) => JSON.stringify(r.stored.body)))}::jsonb[],
                    ${param(batch.map((r) => r.stored.source.format))}::text[], ${param(batch.map((r) => r.stored.source.file))}::text[],
                    ${param(batch.map((r) => r.stored.source.sheet ?? null))}::text[], ${param(batch.map((r) => r.stored.source.row ?? null))}::int[])
             as u(child_id, kind, fact_key, event_date, end_date, fact, source_format, source_file, source_sheet, source_row)
        on conflict (child_id, kind, fact_key) do update set
          fact = ${merged},
          end_date = (${merged} ->> 'endDate')::date,
          event_date = excluded.event_date,
          source_format = excluded.source_format,
          source_file = excluded.source_file,
          source_sheet = excluded.source_sheet,
          source_row = excluded.source_row,
          import_id = excluded.import_id,
          updated_at = now()
        where ${merged} is distinct from case_facts.fact
        returning (xmax = 0) as inserted
      )
      select (count(*) filter (where inserted))::int as inserted, (count(*) filter (where not inserted))::int as updated from written`,
    );
    counts.inserted += result?.inserted ?? 0;
    counts.updated += result?.updated ?? 0;
    counts.unchanged += batch.length - (result?.inserted ?? 0) - (result?.updated ?? 0);
    await options.afterBatch?.(Math.min(start + batchSize, rows.length));
  }
  return counts;
}

interface StoredChildRow {
  id: string;
  dateOfBirth: string | Date | null;
  gender: string | null;
}

function isoDate(value: string | Date | null): string | undefined {
  if (value === null) return undefined;
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

/**
 * Every child with imported facts, and the facts, as the engine takes them. The engine's child id
 * is Sightline's id for the child, so its items need no translating back.
 */
export async function loadCaseData(db: Db, organisationId: string, childId?: string): Promise<{ children: Child[]; facts: CaseFact[] }> {
  const onlyChild = childId === undefined ? sql`` : sql`and c.id = ${childId}`;
  const childRows = await queryRows<StoredChildRow>(
    db,
    sql`select c.id, to_char(c.date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", c.gender from children c
        where c.organisation_id = ${organisationId} ${onlyChild} and exists (select 1 from case_facts f where f.child_id = c.id)`,
  );
  // For one child (the case page) the source is shown; for the whole council (the engine) only
  // its format matters, and leaving out the rest makes a million rows noticeably lighter to read.
  const factRows = await queryRows<FactRow & { childId: string }>(
    db,
    childId === undefined
      ? sql`select child_id as "childId", kind, fact, source_format as "sourceFormat", '' as "sourceFile", null as "sourceSheet", null as "sourceRow"
            from case_facts where organisation_id = ${organisationId} order by id`
      : sql`select child_id as "childId", kind, fact, source_format as "sourceFormat", source_file as "sourceFile", source_sheet as "sourceSheet", source_row as "sourceRow"
            from case_facts where organisation_id = ${organisationId} and child_id = ${childId} order by id`,
  );
  const children: Child[] = childRows.map((r) => {
    const dateOfBirth = isoDate(r.dateOfBirth);
    return {
      childId: r.id,
      ...(dateOfBirth === undefined ? {} : { dateOfBirth }),
      ...(r.gender === null ? {} : { gender: r.gender }),
      source: { format: 'manual', file: 'Sightline' },
    };
  });
  return { children, facts: factRows.map((row) => fromStoredFact(row.childId, row)) };
}
