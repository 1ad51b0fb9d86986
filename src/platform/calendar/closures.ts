/**
 * The council's local closure days, kept by administrators, and the working-day calendar that
 * includes them. Deadlines computed after a closure day is added count it as a non-working day;
 * deadlines already set are not moved (they were agreed with people on the day).
 */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { requireCapability, type Actor } from '../auth/actor.ts';
import { calendarClosures } from './schema.ts';
import { englandAndWalesBankHolidays, englandAndWalesCalendar } from './bank-holidays.ts';
import { dayOfWeek, isIsoDate, type IsoDate } from './iso-date.ts';
import type { WorkingDayCalendar } from './working-day-calendar.ts';

export async function closureDates(db: Db, organisationId: string): Promise<IsoDate[]> {
  const rows = await db.select({ date: calendarClosures.date }).from(calendarClosures).where(eq(calendarClosures.organisationId, organisationId));
  return rows.map((r) => r.date);
}

/** England and Wales bank holidays plus this council's closure days. */
export async function calendarFor(db: Db, organisationId: string): Promise<WorkingDayCalendar> {
  return englandAndWalesCalendar(await closureDates(db, organisationId));
}

export const ClosureInput = z.object({
  date: z
    .string({ error: 'Enter the date the council is closed' })
    .trim()
    .refine(isIsoDate, 'Enter a real date')
    .refine(
      (d) => Number(d.slice(0, 4)) >= englandAndWalesBankHolidays.firstYear && Number(d.slice(0, 4)) <= englandAndWalesBankHolidays.lastYear,
      `Enter a date from ${englandAndWalesBankHolidays.firstYear} to ${englandAndWalesBankHolidays.lastYear}, the years the calendar knows bank holidays for`,
    ),
  reason: z.string({ error: 'Say why the council is closed' }).trim().min(1, 'Say why the council is closed').max(120, 'The reason must be 120 characters or fewer'),
});
export type ClosureInput = z.infer<typeof ClosureInput>;

export class ClosureProblem extends Error {}

export async function listClosures(db: Db, actor: Actor) {
  requireCapability(actor, 'calendar.manage');
  return db.select().from(calendarClosures).where(eq(calendarClosures.organisationId, actor.organisationId)).orderBy(asc(calendarClosures.date));
}

export async function addClosure(db: Db, actor: Actor, input: ClosureInput): Promise<void> {
  requireCapability(actor, 'calendar.manage');
  if (englandAndWalesBankHolidays.dates.includes(input.date)) throw new ClosureProblem('That date is already a bank holiday');
  const day = dayOfWeek(input.date);
  if (day === 0 || day === 6) throw new ClosureProblem('That date is a weekend, which is never a working day');
  const inserted = await db
    .insert(calendarClosures)
    .values({ organisationId: actor.organisationId, date: input.date, reason: input.reason, createdBy: actor.userId })
    .onConflictDoNothing()
    .returning({ date: calendarClosures.date });
  if (inserted.length === 0) throw new ClosureProblem('That date is already a closure day');
}

export async function removeClosure(db: Db, actor: Actor, date: IsoDate): Promise<boolean> {
  requireCapability(actor, 'calendar.manage');
  const removed = await db
    .delete(calendarClosures)
    .where(and(eq(calendarClosures.organisationId, actor.organisationId), eq(calendarClosures.date, date)))
    .returning({ date: calendarClosures.date });
  return removed.length > 0;
}
