/**
 * The audits behind a figure: the same conditions the figure counted with, narrowed to the
 * audits the viewer may open (the audit module's own visibility rule). The page says how many
 * the figure rests on and how many of those are the viewer's to open, so a manager whose figure
 * counts audits they cannot open is told, not misled.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../platform/db/client.ts';
import { visibleAuditsWhere } from '../audits/core.ts';
import { AUDIT_FROM, drillSql, SETTLED_GRADE } from './audit-sql.ts';
import type { InsightContext } from './context.ts';
import { CASE_TYPE_WORDS, monthLabel, type Drill } from './filters.ts';
import { rankLabel } from './tools.ts';

export const DRILL_LIMIT = 200;

export interface DrillRow {
  id: string;
  childRef: string;
  caseType: string;
  teamName: string;
  toolTitle: string;
  auditorName: string;
  submittedAt: Date | null;
  grade: string;
  status: string;
}

export interface DrillResult {
  /** Audits the figure counts. */
  total: number;
  /** Of which the viewer may open. */
  visible: number;
  rows: DrillRow[];
  /** What the figure was, in words. */
  description: string[];
}

interface Row {
  id: string;
  childRef: string;
  caseType: string | null;
  teamName: string | null;
  toolId: string;
  auditorName: string;
  submittedAt: Date | string | null;
  grade: string | null;
  status: string;
}

const ACTION_WORDS: Record<NonNullable<Drill['actions']>, string> = {
  outstanding: 'still to do',
  overdue: 'overdue',
  awaiting: 'done and awaiting sign-off',
  'signed-off': 'signed off',
};

export function describeDrill(ctx: InsightContext, drill: Drill): string[] {
  const words: string[] = [];
  const f = ctx.filter;
  if (f.serviceId) words.push(`Service: ${ctx.choices.services.find((s) => s.value === f.serviceId)?.text ?? 'unknown'}`);
  if (f.teamId) words.push(`Team: ${ctx.teams.get(f.teamId)?.name ?? 'unknown'}`);
  if (f.toolId) words.push(`Tool: ${ctx.tools.get(f.toolId)?.title ?? f.toolId}`);
  if (f.caseType) words.push(`Case type: ${CASE_TYPE_WORDS[f.caseType]}`);
  if (drill.month) words.push(`Submitted in ${monthLabel(drill.month)}`);
  const ids = f.toolId ? [f.toolId] : [...ctx.tools.keys()];
  if (drill.rank !== undefined) words.push(`Grade: ${rankLabel(ctx.tools, ids, drill.rank)}`);
  if (drill.goodOrBetter) words.push('Grade: good or better');
  if (drill.area !== undefined) {
    words.push(`Item: area ${drill.area}${drill.criterion ? `, criterion ${drill.criterion}` : ' as a whole'}${drill.stage ? ` (${drill.stage})` : ''}`);
    if (drill.itemRank !== undefined) words.push(`Item grade: ${rankLabel(ctx.tools, ids, drill.itemRank)}`);
  }
  if (drill.auditor) words.push('One auditor’s audits');
  if (drill.moderation) words.push(drill.moderation === 'any' ? 'Moderated' : `The moderator ${drill.moderation} the overall grade`);
  if (drill.feedback) words.push(drill.feedback === 'sought' ? 'Family feedback recorded' : 'No family feedback recorded');
  if (drill.rating !== undefined) words.push(`A family rating of ${drill.rating} out of 5`);
  if (drill.theme) words.push('Tagged with one theme');
  if (drill.actions) words.push(`With actions ${ACTION_WORDS[drill.actions]} (actions created in the period)`);
  if (drill.round) words.push('One inspection rehearsal round');
  return words;
}

export async function auditsBehind(ctx: InsightContext, drill: Drill): Promise<DrillResult> {
  const where = drillSql(ctx.scope, ctx.filter, drill, ctx.tools, ctx.today);
  const visible = await visibleAuditsWhere(ctx.db, ctx.actor);
  const [counts] = await queryRows<{ total: number; visible: number }>(
    ctx.db,
    sql`select count(*)::int as "total", count(*) filter (where ${visible})::int as "visible" ${AUDIT_FROM} where ${where}`,
  );
  const rows = await queryRows<Row>(
    ctx.db,
    sql`select audits.id as "id", c.child_ref as "childRef", c.case_type as "caseType", t.name as "teamName", audits.tool_id as "toolId",
          (select u.display_name from users u where u.id = audits.auditor_id) as "auditorName",
          audits.submitted_at as "submittedAt", ${SETTLED_GRADE} as "grade", audits.status as "status"
        ${AUDIT_FROM}
        where ${where} and ${visible}
        order by audits.submitted_at desc nulls last, c.child_ref
        limit ${DRILL_LIMIT}`,
  );
  const label = (toolId: string, grade: string | null) => (grade ? (ctx.tools.get(toolId)?.current.scale.grades.find((g) => g.id === grade)?.label ?? grade) : 'Not graded yet');
  return {
    total: counts?.total ?? 0,
    visible: counts?.visible ?? 0,
    description: describeDrill(ctx, drill),
    rows: rows.map((r) => ({
      id: r.id,
      childRef: r.childRef,
      caseType: r.caseType ? (CASE_TYPE_WORDS[r.caseType as keyof typeof CASE_TYPE_WORDS] ?? r.caseType) : 'Not recorded',
      teamName: r.teamName ?? 'No team recorded',
      toolTitle: ctx.tools.get(r.toolId)?.title ?? r.toolId,
      auditorName: r.auditorName,
      submittedAt: r.submittedAt === null ? null : new Date(r.submittedAt),
      grade: label(r.toolId, r.grade),
      status: r.status,
    })),
  };
}
