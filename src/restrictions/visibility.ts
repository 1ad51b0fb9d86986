/**
 * THE rule for restricted records, as SQL: a child is visible to a person despite restrictions
 * when no restriction is in force on it, or the person holds a current grant, or the person has
 * an unexpired break-glass view of it. Every query that can surface a child, or anything derived
 * from one (audits, actions, alerts, deadlines, figures), adds this condition, so a restricted
 * child is counted and listed as if it did not exist for everyone else.
 *
 * Expiry is part of the rule (`expires_at > now`), never left to a job: a grant past its last
 * day stops working at once.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';

/** The request's moment, as a SQL timestamp. */
export function momentOf(actor: Actor): SQL {
  return sql`${(actor.asOf ?? new Date()).toISOString()}::timestamptz`;
}

/**
 * "The restriction `restriction` (an alias of child_restrictions) does not hide its child from
 * `actor`": a current grant or an open break-glass window.
 */
function seenDespite(actor: Actor, restriction: string): SQL {
  const r = sql.raw(restriction);
  const now = momentOf(actor);
  return sql`(exists (select 1 from restriction_grants restr_grant where restr_grant.restriction_id = ${r}.id and restr_grant.user_id = ${actor.userId}::uuid
                        and restr_grant.removed_at is null and restr_grant.expires_at > ${now})
           or exists (select 1 from break_glass_views restr_glass where restr_glass.child_id = ${r}.child_id and restr_glass.user_id = ${actor.userId}::uuid
                        and restr_glass.expires_at > ${now}))`;
}

/**
 * The condition "the child whose id is `childId` is visible to `actor` despite restrictions".
 * A null child id (an action not about a child) is visible.
 */
export function childVisibleSql(actor: Actor, childId: SQL): SQL {
  return sql`not exists (select 1 from child_restrictions restr where restr.child_id = ${childId} and restr.lifted_at is null and not ${seenDespite(actor, 'restr')})`;
}

/** The same rule for an audit's child, given the audit's id expression. */
export function auditChildVisibleSql(actor: Actor, auditId: SQL): SQL {
  return childVisibleSql(actor, sql`(select restr_audit.child_id from audits restr_audit where restr_audit.id = ${auditId})`);
}

/**
 * The children hidden from `actor`, sorted: for figures that are kept per viewer scope (insights)
 * the list is part of the scope, so a restriction, a grant or its expiry changes which figures
 * the viewer is given.
 */
export async function hiddenChildIds(db: Db, actor: Actor): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select restr.child_id as id from child_restrictions restr
        where restr.organisation_id = ${actor.organisationId}::uuid and restr.lifted_at is null and not ${seenDespite(actor, 'restr')}
        order by restr.child_id`,
  );
  return rows.map((r) => r.id);
}

/** Whether one child is hidden from `actor` (its pages then answer 404, exactly as for no child). */
export async function isChildHidden(db: Db, actor: Actor, childId: string): Promise<boolean> {
  const [row] = await queryRows<{ hidden: boolean }>(db, sql`select not ${childVisibleSql(actor, sql`${childId}::uuid`)} as hidden`);
  return row?.hidden ?? false;
}

/** A condition that a uuid column is not one of `ids` (true when there are none). */
export function notAmong(column: SQL, ids: readonly string[]): SQL {
  if (ids.length === 0) return sql`true`;
  return sql`(${column} is null or ${column} not in (${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}))`;
}

/**
 * For a stored link (a notification's): the record the link's first id names (a child, audit,
 * action, safeguarding alert or dispute) is not about a child hidden from `actor`. Notices sent
 * before a restriction are then not shown to people outside it.
 */
export function linkVisibleSql(actor: Actor, link: SQL): SQL {
  const id = sql`substring(${link} from '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')::uuid`;
  return sql`not exists (select 1 from child_restrictions restr
      where restr.organisation_id = ${actor.organisationId}::uuid and restr.lifted_at is null and not ${seenDespite(actor, 'restr')}
        and ${id} in (select restr.child_id
                      union all select a.id from audits a where a.child_id = restr.child_id
                      union all select x.id from actions x where x.child_id = restr.child_id or x.audit_id in (select a.id from audits a where a.child_id = restr.child_id)
                      union all select s.id from safeguarding_alerts s where s.child_id = restr.child_id
                      union all select d.id from audit_disputes d join audits a on a.id = d.audit_id where a.child_id = restr.child_id))`;
}
