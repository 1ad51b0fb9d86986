/** The models the add-a-case pages render. */
import type { FieldErrors } from '../../platform/http/forms.ts';

interface Option {
  value: string;
  text: string;
}

declare module '../../platform/http/render.ts' {
  interface ViewModels {
    'cases/manual/form': { teams: Option[]; workers: Option[]; caseTypes: Option[]; values: Record<string, unknown>; errors?: FieldErrors };
    'cases/manual/added': {
      child: { id: string; childRef: string; name: string | null; dateOfBirth: string | null; caseType: string; teamName: string | null; workerName: string | null };
    };
  }
}
