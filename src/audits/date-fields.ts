/** GOV.UK date inputs (day, month and year as three fields) read into ISO dates and back. */
import { isIsoDate, type IsoDate } from '../platform/calendar/index.ts';

export function dateParts(iso: string | null | undefined): { day: string; month: string; year: string } {
  if (!iso || !isIsoDate(iso)) return { day: '', month: '', year: '' };
  const [year, month, day] = iso.split('-') as [string, string, string];
  return { day: String(Number(day)), month: String(Number(month)), year };
}

/**
 * The ISO date in `<prefix>-day`, `-month` and `-year`, or a message naming what is wrong, in
 * the words of the GOV.UK date input pattern.
 */
export function readDateField(body: Record<string, unknown>, prefix: string, what: string): { ok: true; value: IsoDate } | { ok: false; message: string } {
  const part = (name: string) => {
    const raw = body[`${prefix}-${name}`];
    return typeof raw === 'string' ? raw.trim() : '';
  };
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (!day && !month && !year) return { ok: false, message: `Enter ${what}` };
  const missing = [['day', day], ['month', month], ['year', year]].filter(([, v]) => !v).map(([n]) => n);
  if (missing.length) return { ok: false, message: `${what[0]!.toUpperCase()}${what.slice(1)} must include a ${missing.join(' and a ')}` };
  if (![day, month, year].every((v) => /^\d+$/.test(v)) || year.length !== 4) return { ok: false, message: `${what[0]!.toUpperCase()}${what.slice(1)} must be a real date` };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!isIsoDate(iso)) return { ok: false, message: `${what[0]!.toUpperCase()}${what.slice(1)} must be a real date` };
  return { ok: true, value: iso };
}
