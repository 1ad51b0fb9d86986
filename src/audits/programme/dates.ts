/**
 * GOV.UK date inputs (three boxes: day, month, year) read into ISO dates inside a zod schema, so
 * a form with dates goes through `parseForm` like any other.
 */
import { z } from 'zod';
import type { FieldErrors } from '../../platform/http/forms.ts';
import { readDateInput } from '../../platform/calendar/date-input.ts';
import type { IsoDate } from '../../platform/calendar/index.ts';

/** The three fields of a GOV.UK date input named `name` (name-day, name-month, name-year). */
export function dateFields(name: string, values: Record<string, unknown>): { day: string; month: string; year: string } {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return { day: text(values[`${name}-day`]), month: text(values[`${name}-month`]), year: text(values[`${name}-year`]) };
}

/**
 * Reads a date input into an ISO date, with GOV.UK's error wording. `what` is the field's name in
 * a sentence ("date of birth").
 */
export function isoDateFrom(what: string) {
  return z.object({ day: z.string(), month: z.string(), year: z.string() }).transform((parts, ctx): IsoDate => {
    const read = readDateInput({ 'd-day': parts.day, 'd-month': parts.month, 'd-year': parts.year }, 'd', `The ${what}`);
    if (read.ok && read.date) return read.date;
    ctx.addIssue({ code: 'custom', message: read.ok ? `Enter the ${what}` : read.message });
    return z.NEVER;
  });
}

/** The error summary links a date to its first box, as the GOV.UK date input pattern asks. */
export function linkDateErrors(errors: FieldErrors, ...names: string[]): FieldErrors {
  return { ...errors, list: errors.list.map((e) => (names.some((n) => e.href === `#${n}`) ? { ...e, href: `${e.href}-day` } : e)) };
}

/** Splits an ISO date back into a date input's three boxes. */
export function dateParts(iso: IsoDate | null | undefined): { day: string; month: string; year: string } {
  if (!iso) return { day: '', month: '', year: '' };
  const [year, month, day] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}
