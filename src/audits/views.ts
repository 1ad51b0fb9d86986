/** The models the stage 1 audit pages render. */
import type { FieldErrors } from '../platform/http/forms.ts';
import type { AuditStatus } from './schema.ts';
import type { FormArea, FormItem } from './tool-form.ts';
import type { FormStage } from './area-form.ts';
import type { auditRecord, presentJudgement, presentSummary, SelfView, timelineOf } from './present.ts';
import type { ListFilter, Part } from './listing.ts';
import type { alertsOnAudit, getAlert } from './safeguarding.ts';
import type { actionsOfAudit, Deadlines } from './agreed-actions.ts';
import type { feedbackOnAudit, learningOnAudit } from './feedback-and-learning.ts';
import type { Readiness } from './stage-one.ts';
import type { InvitationView, PartnerAccount } from './invitations.ts';

interface Option {
  value: string;
  text: string;
}

type Summary = ReturnType<typeof presentSummary>;
type Judgement = ReturnType<typeof presentJudgement>;
type Tag = { text: string; classes: string };
interface Task {
  title: { text: string };
  href?: string;
  status: { tag: Tag } | { text: string };
}

/** An area a partner can be invited to: its number in the tool (the form's value) and its label. */
interface InvitationArea {
  number: number;
  id: string;
  label: string;
}

interface Form {
  values: Record<string, unknown>;
  errors?: FieldErrors;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'audits/list': {
      rows: Array<{
        id: string;
        status: AuditStatus;
        statusLabel: string;
        statusClass: string;
        toolTitle: string;
        dueDate: string;
        childRef: string;
        caseTypeLabel: string;
        teamName: string | null;
        auditorName: string;
        practitionerName: string | null;
        safeguardingConcern: boolean;
        part: Part;
      }>;
      total: number;
      pagination: { page: number; pages: number; previous: string | null; next: string | null };
      filter: ListFilter;
      statusOptions: Option[];
      teams: Option[];
      tools: Option[];
    };
    'audits/overview': {
      summary: Summary;
      partner: boolean;
      areaTasks: Task[];
      selfAssessment: { isPractitioner: boolean; submitted: boolean; skippedReason: string | null; open: boolean };
      canStart: boolean;
      canSubmit: boolean;
      started: boolean;
      judgementTask: { stands: boolean; final: string | null; ready: boolean; confirmedBefore: boolean };
      counts: { alerts: number; actions: number; feedback: number; learning: number };
      /** For the people who run the audit: who is invited, and whether they may invite now. */
      partners: { invitations: InvitationView[]; canInvite: boolean } | null;
    };
    'audits/self-assessment': {
      summary: Summary;
      areas: Array<Task & { done: boolean }>;
      open: boolean;
      ready: boolean;
      submitted: boolean;
      errors?: FieldErrors;
    };
    'audits/area': Form & {
      summary: Summary;
      stage: FormStage;
      readOnlyReason: string | null;
      area: FormArea & { items: FormItem[]; status: string };
      self: Record<string, { shown: SelfView | null; withheld: boolean }>;
      editable: boolean;
      canMarkNotApplicable: boolean;
      formAction: string;
      backHref: string;
      nextHref: string | null;
      conflict?: { changes: Array<{ at: Date; who: string; text: string }>; differences: Array<{ label: string; saved: string; yours: string }> };
      /** What the imported case data says, by "<area id>/<criterion id>" (or the area id). */
      dataEvidence?: Record<string, Array<{ text: string; status: string }>>;
    };
    'audits/start': Form & { summary: Summary; needsReason: boolean; hasPractitioner: boolean };
    'audits/judgement': Form & { summary: Summary; judgement: Judgement; editable: boolean; grades: Option[]; conflict?: boolean };
    'audits/safeguarding': Form & { summary: Summary; alerts: Awaited<ReturnType<typeof alertsOnAudit>>; canRaise: boolean };
    'audits/actions': Form & { summary: Summary; actions: Awaited<ReturnType<typeof actionsOfAudit>>; canAgree: boolean; owners: Option[]; deadlines: Deadlines };
    'audits/feedback': Form & { summary: Summary; feedback: Awaited<ReturnType<typeof feedbackOnAudit>>; canRecord: boolean; respondents: Option[]; methods: Option[] };
    'audits/learning': Form & { summary: Summary; learning: Awaited<ReturnType<typeof learningOnAudit>>; part: string | null; canRecord: boolean };
    'audits/submit': { summary: Summary; readiness: Readiness; open: boolean; judgement: Judgement; errors?: FieldErrors };
    'audits/record': Awaited<ReturnType<typeof auditRecord>> & { timeline: Awaited<ReturnType<typeof timelineOf>> };
    'audits/timeline': { summary: Summary; entries: Awaited<ReturnType<typeof timelineOf>> };
    'audits/alert': Form & Awaited<ReturnType<typeof getAlert>>;
    'audits/partners': Form & {
      summary: Summary;
      invitations: InvitationView[];
      canChange: boolean;
      partners: PartnerAccount[];
      areas: InvitationArea[];
      /** Why this person may not invite now; null when they may. */
      refusal: string | null;
    };
    'audits/partner': Form & {
      summary: Summary;
      invitation: InvitationView;
      areas: InvitationArea[];
      refusal: string | null;
      canWithdraw: boolean;
      conflict?: boolean;
    };
  }
}
