/**
 * The GOV.UK date input (day, month and year in three boxes, named `<prefix>-day`, `-month` and
 * `-year` by the govukDateInput macro) as an ISO date, with the Design System's error messages.
 */
import type { FieldErrors } from '../http/forms.ts';
import { isIsoDate, type IsoDate } from './iso-date.ts';

export type DateInputResult = { ok: true; date: IsoDate | null } | { ok: false; message: string };

/** All three boxes empty is "no date" (null); anything else must be a real date. */
export function readDateInput(form: Record<string, unknown>, prefix: string, what: string): DateInputResult {
  const part = (name: string) => String(form[`${prefix}-${name}`] ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (!day && !month && !year) return { ok: true, date: null };
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length > 0) return { ok: false, message: `${what} must include a ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { ok: false, message: `${what} must be a real date` };
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isIsoDate(date) ? { ok: true, date } : { ok: false, message: `${what} must be a real date` };
}

/** The three boxes' values for a date, keyed as the form names them, to show it again. */
export function dateInputValues(prefix: string, date: IsoDate | null | undefined): Record<string, string> {
  if (!date) return {};
  return { [`${prefix}-day`]: String(Number(date.slice(8, 10))), [`${prefix}-month`]: String(Number(date.slice(5, 7))), [`${prefix}-year`]: date.slice(0, 4) };
}

/** An error on a date input: the summary links to its first box, the message sits on the group. */
export function dateError(prefix: string, text: string): FieldErrors {
  return { list: [{ text, href: `#${prefix}-day` }], byField: { [prefix]: { text } } };
}
