/** The models the moderation pages render. */
import type { FieldErrors } from '../../platform/http/forms.ts';

interface Option {
  value: string;
  text: string;
}

export interface PoolItem {
  auditId: string;
  childRef: string;
  teamName: string | null;
  auditorName: string;
  finalGrade: string;
  because: string;
  assignedAt: Date;
  moderatorName: string | null;
  completedAt: Date | null;
  mine: boolean;
}

export interface ModerationItemView {
  index: number;
  areaTitle: string;
  title: string;
  grade: string;
  evidence: string | null;
  workingWell: string | null;
  worries: string | null;
  nextSteps: string | null;
  selfGrade: string | null;
  selfReason: string | null;
  moderatedGrade: string | null;
  moderatedReason: string | null;
  revised: boolean;
}

declare module '../../platform/http/render.ts' {
  interface ViewModels {
    'audits/moderation/pool': {
      waiting: PoolItem[];
      claimed: PoolItem[];
      completed: PoolItem[];
      isQa: boolean;
      canModerate: boolean;
      submittedWaiting: number;
      share: { allInadequate: boolean; randomPercent: number };
      processed?: { moderated: number; closed: number } | undefined;
    };
    'audits/moderation/settings': { values: Record<string, unknown>; errors?: FieldErrors; conflict?: Record<string, string> };
    'audits/moderation/form': {
      audit: {
        id: string;
        childRef: string;
        team: string | null;
        auditor: string;
        practitioner: string | null;
        tool: string;
        status: string;
        finalGrade: string | null;
        computedGrade: string | null;
        overrideReason: string | null;
        periodStart: string;
        periodEnd: string;
        submittedAt: Date | null;
        safeguardingConcern: boolean;
      };
      moderation: {
        because: string;
        moderator: string | null;
        completedAt: Date | null;
        discussion: string | null;
        overallGrade: string | null;
        overallReason: string | null;
      };
      items: ModerationItemView[];
      grades: Option[];
      canModerate: boolean;
      canClaim: boolean;
      canDispute: boolean;
      version: number;
      values: Record<string, unknown>;
      errors?: FieldErrors;
      conflict?: Record<string, string>;
    };
  }
}
