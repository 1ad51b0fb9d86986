/**
 * Which audits a figure counts, as SQL. Every aggregate and every "audits behind this figure"
 * list builds its WHERE clause here, so a number and the list its link opens are the same set
 * by construction (the list then keeps only the audits the viewer may open).
 *
 * Queries name the audits table `audits` (no alias), so the audit module's visibility condition
 * (`visibleAuditsWhere`, written against the table) can be added as it is; children are `c` and
 * teams `t`:
 *   from audits join children c on c.id = audits.child_id left join teams t on t.id = audits.team_id
 *
 * An audit belongs to the month it was submitted (London time), on every page. Its settled
 * grade is the moderator's where moderation revised or agreed it, otherwise the auditor's.
 */
import { sql, type SQL } from 'drizzle-orm';
import { dayAfter, firstDay, type Drill, type InsightFilter, type Month } from './filters.ts';
import { gradeTableRows, type Tools } from './tools.ts';
import { notAmong } from '../restrictions/visibility.ts';

export interface AuditScope {
  organisationId: string;
  /** Teams whose audits the viewer's figures cover. */
  teams: 'all' | readonly string[];
  /**
   * Restricted children the viewer may not see (sorted): every figure is counted as if they did
   * not exist. Part of the scope, so figures kept per scope follow a restriction or a grant.
   */
  hiddenChildren: readonly string[];
}

export const AUDIT_FROM = sql`from audits join children c on c.id = audits.child_id left join teams t on t.id = audits.team_id`;

/** The audit's settled overall grade. */
export const SETTLED_GRADE = sql`coalesce(audits.moderated_grade, audits.final_grade)`;

/** The London month of a timestamp, as YYYY-MM. */
export function monthSql(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'Europe/London', 'YYYY-MM')`;
}

/** [first moment of `from`, first moment after `to`) in London, as a condition on a timestamp column. */
export function periodSql(column: SQL, from: Month, to: Month): SQL {
  return sql`${column} >= (${firstDay(from)}::date::timestamp at time zone 'Europe/London') and ${column} < (${dayAfter(to)}::date::timestamp at time zone 'Europe/London')`;
}

/**
 * A grade's rank on the common scale as SQL: a lookup in a VALUES list of every (tool, grade) the
 * council's tools know, with whether it counts as good or better and whether it is the worst.
 * Null for a grade no tool knows.
 */
function gradeTable(tools: Tools): SQL {
  const rows = gradeTableRows(tools).map((r) => sql`(${r.toolId}::text, ${r.grade}::text, ${r.rank}::int, ${r.good}::boolean, ${r.worst}::boolean)`);
  if (rows.length === 0) rows.push(sql`(null::text, null::text, null::int, null::boolean, null::boolean)`);
  return sql`(values ${sql.join(rows, sql`, `)}) as gr(tool_id, grade, rank, good, worst)`;
}

export function rankSql(tools: Tools, toolColumn: SQL, gradeColumn: SQL): SQL {
  return sql`(select gr.rank from ${gradeTable(tools)} where gr.tool_id = ${toolColumn} and gr.grade = ${gradeColumn})`;
}

export function goodSql(tools: Tools, toolColumn: SQL, gradeColumn: SQL): SQL {
  return sql`coalesce((select gr.good from ${gradeTable(tools)} where gr.tool_id = ${toolColumn} and gr.grade = ${gradeColumn}), false)`;
}

/** The scale's worst grade (inadequate on every tool in the catalogue). */
export function worstSql(tools: Tools, toolColumn: SQL, gradeColumn: SQL): SQL {
  return sql`coalesce((select gr.worst from ${gradeTable(tools)} where gr.tool_id = ${toolColumn} and gr.grade = ${gradeColumn}), false)`;
}

/** The viewer's scope and the page's filters (service, team, tool, case type); not the period. */
export function scopeSql(scope: AuditScope, filter: InsightFilter): SQL {
  const parts: SQL[] = [sql`audits.organisation_id = ${scope.organisationId}`, sql`audits.status <> 'cancelled'`, notAmong(sql`audits.child_id`, scope.hiddenChildren)];
  if (scope.teams !== 'all') {
    parts.push(
      scope.teams.length
        ? sql`audits.team_id in (${sql.join(
            scope.teams.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql`false`,
    );
  }
  if (filter.serviceId) parts.push(sql`t.service_id = ${filter.serviceId}::uuid`);
  if (filter.teamId) parts.push(sql`audits.team_id = ${filter.teamId}::uuid`);
  if (filter.toolId) parts.push(sql`audits.tool_id = ${filter.toolId}`);
  if (filter.caseType) parts.push(sql`c.case_type = ${filter.caseType}`);
  return sql.join(parts, sql` and `);
}

/** Audits completed in the period: submitted, with the auditor's overall judgement. */
export function completedSql(scope: AuditScope, filter: InsightFilter, period: { from: Month; to: Month } = filter): SQL {
  return sql`${scopeSql(scope, filter)} and audits.final_grade is not null and audits.submitted_at is not null and ${periodSql(sql`audits.submitted_at`, period.from, period.to)}`;
}

/** The settled grade of one item (moderated where the moderation is complete), for a correlated subquery on `r`. */
const SETTLED_ITEM_GRADE = sql`coalesce((select m.grade from audit_responses m join audit_moderations mo on mo.audit_id = m.audit_id and mo.completed_at is not null
    where m.audit_id = r.audit_id and m.stage = 'moderation' and m.area_id = r.area_id and m.criterion_id = r.criterion_id), r.grade)`;

const ACTION_STATE: Record<NonNullable<Drill['actions']>, (today: string) => SQL> = {
  outstanding: () => sql`x.status in ('open', 'reopened')`,
  overdue: (today) => sql`x.status in ('open', 'reopened') and x.due_date < ${today}`,
  awaiting: () => sql`x.status = 'done'`,
  'signed-off': () => sql`x.status = 'signed-off'`,
};

/**
 * The audits behind a figure: the page's filters and the figure's drill. Figures about actions
 * count actions created in the period, so their audits are found by the actions' dates.
 */
export function drillSql(scope: AuditScope, filter: InsightFilter, drill: Drill, tools: Tools, today: string): SQL {
  const parts: SQL[] = [];
  if (drill.actions) {
    parts.push(scopeSql(scope, filter));
    parts.push(
      sql`exists (select 1 from actions x where x.audit_id = audits.id and ${ACTION_STATE[drill.actions](today)} and ${periodSql(sql`x.created_at`, filter.from, filter.to)})`,
    );
  } else {
    const month = drill.month;
    parts.push(completedSql(scope, filter, month ? { from: month, to: month } : filter));
  }
  if (drill.rank !== undefined) parts.push(sql`${rankSql(tools, sql`audits.tool_id`, SETTLED_GRADE)} = ${drill.rank}`);
  if (drill.goodOrBetter) parts.push(goodSql(tools, sql`audits.tool_id`, SETTLED_GRADE));
  if (drill.area !== undefined) {
    const stage = drill.stage ?? 'audit';
    const grade = drill.stage ? sql`r.grade` : SETTLED_ITEM_GRADE;
    const rank = drill.itemRank !== undefined ? sql`and ${rankSql(tools, sql`audits.tool_id`, grade)} = ${drill.itemRank}` : sql``;
    parts.push(
      sql`exists (select 1 from audit_responses r where r.audit_id = audits.id and r.stage = ${stage} and r.area_id = ${drill.area} and r.criterion_id = ${drill.criterion ?? ''} and r.grade is not null ${rank})`,
    );
  }
  if (drill.auditor) parts.push(sql`audits.auditor_id = ${drill.auditor}::uuid`);
  if (drill.moderation) {
    parts.push(sql`exists (select 1 from audit_moderations mo where mo.audit_id = audits.id and mo.completed_at is not null) and audits.moderated_grade is not null`);
    const before = rankSql(tools, sql`audits.tool_id`, sql`audits.final_grade`);
    const after = rankSql(tools, sql`audits.tool_id`, sql`audits.moderated_grade`);
    if (drill.moderation === 'agreed') parts.push(sql`${after} = ${before}`);
    if (drill.moderation === 'lowered') parts.push(sql`${after} > ${before}`);
    if (drill.moderation === 'raised') parts.push(sql`${after} < ${before}`);
  }
  if (drill.feedback === 'sought') parts.push(sql`exists (select 1 from audit_family_feedback f where f.audit_id = audits.id and f.respondent is not null)`);
  if (drill.feedback === 'not-sought') parts.push(sql`not exists (select 1 from audit_family_feedback f where f.audit_id = audits.id and f.respondent is not null)`);
  if (drill.rating !== undefined) parts.push(sql`exists (select 1 from audit_family_feedback f where f.audit_id = audits.id and f.rating = ${drill.rating})`);
  if (drill.theme) parts.push(sql`exists (select 1 from audit_themes th where th.audit_id = audits.id and th.theme_id = ${drill.theme}::uuid)`);
  if (drill.round) parts.push(sql`audits.round_id = ${drill.round}::uuid`);
  return sql.join(parts, sql` and `);
}
