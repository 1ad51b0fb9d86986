/** The models the programme and round pages render. */
import type { FieldErrors } from '../../platform/http/forms.ts';
import type { ProgrammeChoices, ProgrammeSummary, RoundListing, ScheduledTheme } from './service.ts';
import type { RoundPage, RuleExplanation } from './present.ts';

interface Option {
  value: string;
  text: string;
}

export interface ProgrammeRow extends ProgrammeSummary {
  toolTitle: string;
  activityTitle: string | null;
  cadenceLabel: string;
}

declare module '../../platform/http/render.ts' {
  interface ViewModels {
    'audits/programme/list': { programmes: ProgrammeRow[]; canAddCase: boolean };
    'audits/programme/form': {
      choices: ProgrammeChoices & { cadences: Option[]; caseTypes: Option[] };
      values: Record<string, unknown>;
      errors?: FieldErrors;
      programmeId?: string;
      conflict?: Record<string, string>;
    };
    'audits/programme/show': {
      programme: ProgrammeRow;
      auditors: Array<{ name: string; team: string }>;
      caseTypes: string[];
      schedule: Array<ScheduledTheme & { label: string }>;
      rounds: RoundListing[];
    };
    'audits/programme/round-form': {
      programme: ProgrammeRow;
      values: Record<string, unknown>;
      errors?: FieldErrors;
      auditors: Array<{ value: string; text: string; hint: string }>;
      stratifyOptions: Option[];
      targets: Array<Option & { hint: string }>;
      rules: RuleExplanation[];
      candidateCount: number;
    };
    'audits/programme/round': { round: RoundPage };
  }
}
