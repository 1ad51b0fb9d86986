/** The models the restriction pages render. */
import type { FieldErrors } from '../platform/http/forms.ts';
import type { BreakGlassRow, RestrictionView } from './service.ts';

interface Option {
  value: string;
  text: string;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'restrictions/manage': {
      child: { id: string; childRef: string };
      restriction: RestrictionView | null;
      reasons: Option[];
      people: Option[];
      values: Record<string, unknown>;
      errors?: FieldErrors;
      /** The form was sent from a page older than the restriction. */
      conflict?: boolean;
    };
    'restrictions/break-glass': { childId: string; minutes: number; values: Record<string, unknown>; errors?: FieldErrors };
    'restrictions/break-glass-report': { rows: BreakGlassRow[]; minutes: number };
  }
}
