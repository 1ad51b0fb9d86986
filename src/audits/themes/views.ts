/** The models the stage 3 pages render: themes, tagging an audit, senior leadership cases. */
import type { FieldErrors } from '../../platform/http/forms.ts';
import type { SltCase, TaggedAudit } from './service.ts';

interface Option {
  value: string;
  text: string;
}

declare module '../../platform/http/render.ts' {
  interface ViewModels {
    'audits/themes/list': {
      themes: Array<{ id: string; name: string; description: string | null; active: boolean; strength: number; barrier: number; recurring: number }>;
      awaiting: Array<{ auditId: string; childRef: string; teamName: string | null; status: string; submittedAt: Date | null }>;
      values: Record<string, unknown>;
      errors?: FieldErrors;
    };
    'audits/themes/show': { theme: { id: string; name: string; description: string | null; active: boolean }; tagged: Array<TaggedAudit & { kindLabel: string; statusLabel: string }> };
    'audits/themes/evaluation': {
      audit: { id: string; childRef: string; teamName: string | null; auditorName: string; status: string; finalGrade: string | null; moderatedGrade: string | null; markedForSlt: boolean; version: number };
      moderated: boolean;
      tags: Array<{ themeId: string; name: string; kind: string; note: string | null; taggedAt: Date; taggedByName: string }>;
      choices: Option[];
      kinds: Option[];
      canTag: boolean;
      canMarkForSlt: boolean;
      canClose: boolean;
      values: Record<string, unknown>;
      errors?: FieldErrors;
    };
    'audits/themes/slt': { cases: SltCase[]; canManage: boolean };
  }
}
