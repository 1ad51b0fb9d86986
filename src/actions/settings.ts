/**
 * The QA team's settings for actions: default deadlines per audit tool, and how overdue actions
 * are chased (reminder, escalation steps, the QA lead). Absent settings mean seed 002's deadlines
 * and the default chasing schedule.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import { NotFoundError, requireCapability, type Actor } from '../platform/auth/actor.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { userRoles, users } from '../org/schema.ts';
import { catalogueEntries } from '../standards/versions/schema.ts';
import { SEED_002_DUE_RULE, type DueRule } from './due-dates.ts';
import { DEFAULT_CHASE_SCHEDULE, EscalationSchedule, RECIPIENTS, type ChaseSchedule } from './escalation.ts';
import { actionChaseSettings, actionDueRules, DUE_DATE_UNITS } from './schema.ts';

// ---------------------------------------------------------------- default deadlines per tool

/** The rule for actions from audits with this tool (seed 002's when the QA team set none). */
export async function dueRuleFor(db: Db, organisationId: string, toolId: string | null): Promise<DueRule> {
  if (!toolId) return SEED_002_DUE_RULE;
  const [row] = await db
    .select()
    .from(actionDueRules)
    .where(and(eq(actionDueRules.organisationId, organisationId), eq(actionDueRules.toolId, toolId)));
  return row ? { urgent: { amount: row.urgentAmount, unit: row.urgentUnit }, normal: { amount: row.normalAmount, unit: row.normalUnit } } : SEED_002_DUE_RULE;
}

export interface ToolDueRule {
  toolId: string;
  title: string;
  rule: DueRule;
  /** Null: seed 002's defaults apply. */
  version: number | null;
}

/** Every audit tool in the council's catalogue with its default deadlines. */
export async function listDueRules(db: Db, actor: Actor): Promise<ToolDueRule[]> {
  requireCapability(actor, 'actions.configure');
  const rows = await db
    .select({ toolId: catalogueEntries.catalogueId, title: catalogueEntries.title, custom: actionDueRules })
    .from(catalogueEntries)
    .leftJoin(actionDueRules, and(eq(actionDueRules.organisationId, catalogueEntries.organisationId), eq(actionDueRules.toolId, catalogueEntries.catalogueId)))
    .where(and(eq(catalogueEntries.organisationId, actor.organisationId), eq(catalogueEntries.kind, 'audit-tool')))
    .orderBy(asc(catalogueEntries.title));
  return rows.map(({ toolId, title, custom }) => ({
    toolId,
    title,
    rule: custom ? { urgent: { amount: custom.urgentAmount, unit: custom.urgentUnit }, normal: { amount: custom.normalAmount, unit: custom.normalUnit } } : SEED_002_DUE_RULE,
    version: custom?.version ?? null,
  }));
}

const amount = (what: string) =>
  z.coerce
    .number({ error: `Enter the ${what} as a number` })
    .int(`Enter the ${what} as a whole number`)
    .min(1, `The ${what} must be at least 1`)
    .max(366, `The ${what} must be 366 or fewer`);

export const DueRuleInput = z.object({
  urgentAmount: amount('deadline for urgent actions'),
  urgentUnit: z.enum(DUE_DATE_UNITS, { message: 'Select the unit of the deadline for urgent actions' }),
  normalAmount: amount('deadline for other actions'),
  normalUnit: z.enum(DUE_DATE_UNITS, { message: 'Select the unit of the deadline for other actions' }),
  /** The version the form was loaded at; empty when the tool had seed 002's defaults. */
  version: z.coerce.number().int().min(0).default(0),
});
export type DueRuleInput = z.infer<typeof DueRuleInput>;

async function assertAuditTool(db: Db, actor: Actor, toolId: string): Promise<string> {
  const [entry] = await db
    .select({ title: catalogueEntries.title })
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.organisationId, actor.organisationId), eq(catalogueEntries.catalogueId, toolId), eq(catalogueEntries.kind, 'audit-tool')));
  if (!entry) throw new NotFoundError();
  return entry.title;
}

export async function getToolDueRule(db: Db, actor: Actor, toolId: string): Promise<ToolDueRule> {
  requireCapability(actor, 'actions.configure');
  const title = await assertAuditTool(db, actor, toolId);
  const [row] = await db
    .select()
    .from(actionDueRules)
    .where(and(eq(actionDueRules.organisationId, actor.organisationId), eq(actionDueRules.toolId, toolId)));
  return { toolId, title, rule: await dueRuleFor(db, actor.organisationId, toolId), version: row?.version ?? null };
}

/**
 * Saves the tool's deadlines. The form names the version it started from (0: the defaults), so
 * two QA officers changing the same tool cannot overwrite each other.
 */
export async function saveDueRule(db: Db, actor: Actor, toolId: string, input: DueRuleInput): Promise<void> {
  requireCapability(actor, 'actions.configure');
  await assertAuditTool(db, actor, toolId);
  const values = { urgentAmount: input.urgentAmount, urgentUnit: input.urgentUnit, normalAmount: input.normalAmount, normalUnit: input.normalUnit, updatedBy: actor.userId, updatedAt: new Date() };
  const saved =
    input.version === 0
      ? await db.insert(actionDueRules).values({ organisationId: actor.organisationId, toolId, ...values }).onConflictDoNothing().returning({ v: actionDueRules.version })
      : await db
          .update(actionDueRules)
          .set({ ...values, version: sql`${actionDueRules.version} + 1` })
          .where(and(eq(actionDueRules.organisationId, actor.organisationId), eq(actionDueRules.toolId, toolId), eq(actionDueRules.version, input.version)))
          .returning({ v: actionDueRules.version });
  if (saved.length === 0) throw new ConflictError('due rule');
}

/** Back to seed 002's defaults for this tool. */
export async function resetDueRule(db: Db, actor: Actor, toolId: string): Promise<void> {
  requireCapability(actor, 'actions.configure');
  await assertAuditTool(db, actor, toolId);
  await db.delete(actionDueRules).where(and(eq(actionDueRules.organisationId, actor.organisationId), eq(actionDueRules.toolId, toolId)));
}

// ---------------------------------------------------------------- chasing

export interface ChaseSettings {
  schedule: ChaseSchedule;
  qaLeadUserId: string | null;
  /** 0: the defaults, never saved. */
  version: number;
}

export async function chaseSettingsFor(db: Db, organisationId: string): Promise<ChaseSettings> {
  const [row] = await db.select().from(actionChaseSettings).where(eq(actionChaseSettings.organisationId, organisationId));
  if (!row) return { schedule: DEFAULT_CHASE_SCHEDULE, qaLeadUserId: null, version: 0 };
  // Stored through the same schema it was validated with; parse again rather than trust jsonb.
  return { schedule: { reminderWorkingDays: row.reminderWorkingDays, escalation: EscalationSchedule.parse(row.escalation) }, qaLeadUserId: row.qaLeadUserId, version: row.version };
}

export async function getChaseSettings(db: Db, actor: Actor): Promise<ChaseSettings> {
  requireCapability(actor, 'actions.configure');
  return chaseSettingsFor(db, actor.organisationId);
}

const stepDays = (level: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 60) {
        ctx.addIssue({ code: 'custom', message: `Enter the working days for level ${level} as a whole number from 0 to 60` });
        return z.NEVER;
      }
      return n;
    });
const stepTell = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.enum(RECIPIENTS)));

/** The settings form: up to three levels, each with its working days overdue and who is told. */
export const ChaseSettingsInput = z
  .object({
    reminderWorkingDays: z.coerce
      .number({ error: 'Enter the working days before the due date as a number' })
      .int('Enter the working days before the due date as a whole number')
      .min(0, 'The reminder must be 0 or more working days before the due date')
      .max(20, 'The reminder must be 20 or fewer working days before the due date'),
    level1Days: stepDays(1),
    level1Tell: stepTell,
    level2Days: stepDays(2),
    level2Tell: stepTell,
    level3Days: stepDays(3),
    level3Tell: stepTell,
    qaLeadUserId: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.uuid({ message: 'Select the QA lead from the list' }).nullable()),
    version: z.coerce.number().int().min(0).default(0),
  })
  .transform((form, ctx) => {
    const levels = [
      [form.level1Days, form.level1Tell],
      [form.level2Days, form.level2Tell],
      [form.level3Days, form.level3Tell],
    ] as const;
    const escalation = [];
    for (const [i, [days, tell]] of levels.entries()) {
      if (days === undefined && tell.length === 0) continue;
      if (days === undefined) ctx.addIssue({ code: 'custom', path: [`level${i + 1}Days`], message: `Enter the working days for level ${i + 1}, or clear its choices` });
      else if (tell.length === 0) ctx.addIssue({ code: 'custom', path: [`level${i + 1}Tell`], message: `Choose who is told at level ${i + 1}` });
      else escalation.push({ level: escalation.length + 1, workingDaysOverdue: days, tell: [...tell] });
    }
    const checked = EscalationSchedule.safeParse(escalation);
    if (!checked.success) ctx.addIssue({ code: 'custom', path: ['level2Days'], message: 'Each level must come more working days after the due date than the one before' });
    return { reminderWorkingDays: form.reminderWorkingDays, escalation, qaLeadUserId: form.qaLeadUserId, version: form.version };
  });
export type ChaseSettingsInput = z.infer<typeof ChaseSettingsInput>;

export async function saveChaseSettings(db: Db, actor: Actor, input: ChaseSettingsInput): Promise<void> {
  requireCapability(actor, 'actions.configure');
  if (input.qaLeadUserId) {
    const [lead] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.qaLeadUserId), eq(users.organisationId, actor.organisationId), isNull(users.disabledAt)));
    if (!lead) throw new NotFoundError();
  }
  const values = { reminderWorkingDays: input.reminderWorkingDays, escalation: input.escalation, qaLeadUserId: input.qaLeadUserId, updatedBy: actor.userId, updatedAt: new Date() };
  const saved =
    input.version === 0
      ? await db.insert(actionChaseSettings).values({ organisationId: actor.organisationId, ...values }).onConflictDoNothing().returning({ v: actionChaseSettings.version })
      : await db
          .update(actionChaseSettings)
          .set({ ...values, version: sql`${actionChaseSettings.version} + 1` })
          .where(and(eq(actionChaseSettings.organisationId, actor.organisationId), eq(actionChaseSettings.version, input.version)))
          .returning({ v: actionChaseSettings.version });
  if (saved.length === 0) throw new ConflictError('chase settings');
}

/** People who may be named QA lead: the council's active QA officers. */
export async function qaLeadChoices(db: Db, actor: Actor) {
  requireCapability(actor, 'actions.configure');
  return db
    .selectDistinct({ id: users.id, name: users.displayName })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, 'qa-officer'), eq(userRoles.active, true)))
    .where(and(eq(users.organisationId, actor.organisationId), isNull(users.disabledAt)))
    .orderBy(asc(users.displayName));
}

/**
 * The people told at the QA lead step: the one the QA team named, or else the senior QA officers
 * (those holding the QA officer role whose own line manager does not), so the step always
 * reaches someone.
 */
export async function qaLeadIds(db: Db, organisationId: string, configured: string | null): Promise<string[]> {
  if (configured) {
    const [lead] = await db.select({ id: users.id }).from(users).where(and(eq(users.id, configured), isNull(users.disabledAt)));
    if (lead) return [lead.id];
  }
  const officers = await db
    .select({ id: users.id, lineManagerId: users.lineManagerId })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, 'qa-officer'), eq(userRoles.active, true)))
    .where(and(eq(users.organisationId, organisationId), isNull(users.disabledAt)));
  const ids = new Set(officers.map((o) => o.id));
  const senior = officers.filter((o) => !o.lineManagerId || !ids.has(o.lineManagerId)).map((o) => o.id);
  return senior.length > 0 ? senior : [...ids];
}
