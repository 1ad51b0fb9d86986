/**
 * zod schemas for one cell of an extract. Each takes the raw cell (string, number, Date, blank or
 * spreadsheet error) and yields the normalised value, so a row schema built from them both validates
 * and normalises a row, and each issue names the field it came from.
 *
 * Two strengths: a strict cell fails the row (the row then produces no facts); a `lenient` cell
 * that cannot be read becomes `Ignored`, which the row reader turns into a warning and drops, for
 * values the timeliness engine does not depend on (ethnicity, a team name with `#N/A`).
 */
import { z } from 'zod';
import {
  isBlank,
  leadingCode,
  parseCode,
  parseDate,
  parseGender,
  parseIdentifier,
  parseInteger,
  parseText,
  parseYesNo,
  shown,
  stripListPrefix,
  type DateOptions,
  type Parsed,
} from './values.ts';

/** A value that could not be read and is left out, with the reason for the warning. */
export class Ignored {
  constructor(readonly reason: string) {}
}

function cell<T>(read: (value: unknown) => Parsed<T> | undefined, missing?: string) {
  return z.unknown().transform((value, ctx): T | undefined => {
    const result = read(value);
    if (result === undefined) {
      if (missing === undefined) return undefined;
      ctx.issues.push({ code: 'custom', message: missing, input: value });
      return z.NEVER;
    }
    if (result.ok) return result.value;
    ctx.issues.push({ code: 'custom', message: result.reason, input: value });
    return z.NEVER;
  });
}

/** A required cell: blank fails with `missing`. */
function required<T>(read: (value: unknown) => Parsed<T> | undefined, missing: string) {
  return cell(read, missing) as unknown as z.ZodType<T, unknown>;
}

export const childId = required(parseIdentifier, 'the child identifier is missing');
export const identifier = cell(parseIdentifier);
export const requiredIdentifier = (what: string) => required(parseIdentifier, `${what} is missing`);

export const date = (options: DateOptions) => cell((value) => parseDate(value, options));
export const requiredDate = (options: DateOptions, what = 'the date') =>
  required((value) => parseDate(value, options), `${what} is missing`);

export const yesNo = cell(parseYesNo);
export const integer = cell(parseInteger);
export const text = (maxLength?: number) => cell((value) => parseText(value, maxLength));
export const gender = cell(parseGender);
export const code = (codes: ReadonlyMap<string, string>, what: string) => cell((value) => parseCode(value, codes, what));
/** A code checked against `pattern`, taken from the front of a labelled answer ("E1: Placement order"). */
export const codeMatching = (pattern: RegExp, what: string) =>
  cell((value): Parsed<string> | undefined => {
    if (isBlank(value)) return undefined;
    const found = leadingCode(value) ?? String(value).trim().toUpperCase();
    return pattern.test(found) ? { ok: true, value: found } : { ok: false, reason: `${shown(value)} is not a valid ${what}` };
  });

/** A coded answer from an open list: its code when it has one ("q) 6: Police" → "6"), else its text. */
export const codedAnswer = (maxLength = 100) =>
  cell((value): Parsed<string> | undefined => {
    const read = parseText(value, maxLength);
    if (read === undefined || !read.ok) return read;
    return { ok: true, value: leadingCode(read.value) ?? stripListPrefix(read.value) };
  });

/** Reads with `schema`, but a value it rejects becomes `Ignored` instead of failing the row. */
export function lenient<T>(schema: z.ZodType<T, unknown>) {
  return z.unknown().transform((value): T | Ignored => {
    const result = schema.safeParse(value);
    return result.success ? result.data : new Ignored(result.error.issues[0]?.message ?? 'unreadable value');
  });
}

/** A parsed row with every `Ignored` turned into `undefined`. */
export type Settled<R> = { [K in keyof R]: Exclude<R[K], Ignored> | (Ignored extends R[K] ? undefined : never) };

/** Replaces `Ignored` values by `undefined`, reporting each through `warn(field, reason)`. */
export function settle<R extends Record<string, unknown>>(row: R, warn: (field: string, reason: string) => void): Settled<R> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(row)) {
    if (value instanceof Ignored) {
      warn(field, `${value.reason}; the value is left out`);
      out[field] = undefined;
    } else {
      out[field] = value;
    }
  }
  return out as Settled<R>;
}
