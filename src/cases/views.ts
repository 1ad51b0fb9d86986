/** The models the case and import pages render. */
import type { FieldErrors } from '../platform/http/forms.ts';
import type { ImportProblem } from './facts.ts';
import type { ImportView } from './imports.ts';
import type { CaseView, ChildListRow } from './service.ts';

interface Option {
  value: string;
  text: string;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'cases/list': {
      rows: Array<ChildListRow & { caseTypeLabel: string }>;
      total: number;
      page: number;
      pages: number;
      filter: { teamId?: string | undefined; caseType?: string | undefined; open?: boolean | undefined; childRef?: string | undefined };
      teams: Option[];
      caseTypes: Option[];
      /** The query string of the filter, for the paging links. */
      filterQuery: string;
      canImport: boolean;
      /** A child ID search that cannot be a reference: shown, not searched for. */
      errors?: FieldErrors;
    };
    'cases/case': CaseView & {
      caseTypeLabel: string;
      today: string;
      /** A restriction is in force: only named people (and emergency views) see this record. */
      restricted: boolean;
      /** May restrict the record or manage its restriction. */
      canRestrict: boolean;
    };
    'cases/imports': { imports: ImportView[] };
    'cases/import-new': { errors?: FieldErrors; maxMegabytes: number; busy?: boolean };
    'cases/import': {
      record: ImportView;
      running: boolean;
      problems: ImportProblem[];
      problemsShown: number;
      totalProblems: number;
    };
  }
}
