/** The models the dispute pages render. */
import type { FieldErrors } from '../../platform/http/forms.ts';
import type { DisputeListing } from './service.ts';
import type { DisputeSummary } from './chain.ts';

interface Option {
  value: string;
  text: string;
}

declare module '../../platform/http/render.ts' {
  interface ViewModels {
    'audits/disputes/list': { open: DisputeListing[]; resolved: DisputeListing[]; summary: DisputeSummary | null; canConfigure: boolean };
    'audits/disputes/chain': { values: Record<string, unknown>; deciders: Option[]; rows: number[]; errors?: FieldErrors; conflict?: Record<string, string> };
    'audits/disputes/new': {
      auditId: string;
      childRef: string;
      canRaise: boolean;
      grades: Array<Option & { hint: string }>;
      values: Record<string, unknown>;
      errors?: FieldErrors;
    };
    'audits/disputes/show': {
      id: string;
      auditId: string;
      childRef: string;
      status: string;
      level: number;
      levelTitle: string;
      stepDueDate: string;
      overdue: boolean;
      grade: { title: string; audit: string | null; moderated: string | null; resolved: string | null };
      outcome: string | null;
      raisedAt: Date;
      names: { raisedBy: string | null; auditor: string | null; practitioner: string | null; moderator: string | null };
      raiserPosition: string;
      moderatorPosition: string | null;
      deciderNames: string[];
      levels: Array<{ level: number; title: string; current: boolean }>;
      steps: Array<{ level: number; levelTitle: string; kind: string; note: string; at: Date; actorName: string }>;
      canStatePosition: boolean;
      canDecide: boolean;
      canEscalate: boolean;
      grades: Option[];
      values: Record<string, unknown>;
      errors?: FieldErrors;
    };
  }
}
