/**
 * Form input through a zod schema, and its problems in the shape the GOV.UK error summary and
 * field error messages need: what is wrong, and a link to the field.
 */
import type { z } from 'zod';

export interface FieldErrors {
  /** For the error summary, in field order. */
  list: Array<{ text: string; href: string }>;
  /** By field name, for each field's error message. */
  byField: Record<string, { text: string }>;
}

/** `values` is always the raw input, so a form can be shown again exactly as the user typed it. */
export type FormResult<T> = { ok: true; value: T; values: Record<string, unknown> } | { ok: false; errors: FieldErrors; values: Record<string, unknown> };

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, value: result.data, values };
  return { ok: false, errors: toFieldErrors(result.error.issues), values };
}

export function toFieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldErrors {
  const errors: FieldErrors = { list: [], byField: {} };
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || 'form';
    if (errors.byField[field]) continue;
    errors.byField[field] = { text: issue.message };
    errors.list.push({ text: issue.message, href: `#${field}` });
  }
  return errors;
}

export function singleError(field: string, text: string): FieldErrors {
  return { list: [{ text, href: `#${field}` }], byField: { [field]: { text } } };
}
