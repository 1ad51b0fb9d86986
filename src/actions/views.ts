/** The models the action pages render. */
import type { FieldErrors } from '../platform/http/forms.ts';
import type { ActionFilter, ActionRow } from './service.ts';
import type { SmartWarning } from './smart.ts';

interface Option {
  value: string;
  text: string;
}

interface SortableColumn {
  key: string;
  label: string;
  href: string;
  ariaSort: 'ascending' | 'descending' | 'none';
}

interface FormState {
  values: Record<string, unknown>;
  errors?: FieldErrors;
}

export interface ActionDetailModel {
  id: string;
  reference: string;
  what: string;
  status: string;
  statusLabel: string;
  priority: string;
  dueDate: string;
  overdue: boolean;
  overdueBy: number;
  escalationLevel: number;
  version: number;
  evidence: string | null;
  cancelReason: string | null;
  ownerName: string;
  ownerTeamName: string | null;
  lineManagerName: string | null;
  createdByName: string | null;
  createdAt: Date;
  signedOffByName: string | null;
  signedOffAt: Date | null;
  childRef: string | null;
  toolTitle: string | null;
  auditId: string | null;
  isOwner: boolean;
  /** The moves this person may make now. */
  can: { markDone: boolean; signOff: boolean; reopen: boolean; cancel: boolean; edit: boolean };
  /** Who signs off, in words, when this person cannot. */
  signOffBy: string;
  /** True when the due date has passed (a reopen must give a new one). */
  dueDatePassed: boolean;
  events: Array<{ at: Date; kind: string; actorName: string | null; text: string }>;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'actions/list': {
      view: ActionFilter['view'];
      tabs: Array<{ href: string; text: string; current: boolean }>;
      filter: ActionFilter;
      rows: ActionRow[];
      truncated: boolean;
      teams: Option[];
      owners: Option[];
      tools: Option[];
      columns: SortableColumn[];
      exportQuery: string;
      canCreate: boolean;
      canConfigure: boolean;
    };
    'actions/detail': { action: ActionDetailModel } & FormState & { conflict?: { status: string; dueDate: string; what: string } };
    'actions/form': FormState & {
      mode: 'new' | 'edit';
      actionId?: string;
      reference?: string;
      people: Option[];
      children: Option[];
      tools: Option[];
      warnings: SmartWarning[];
      defaults: { normal: string; urgent: string };
      conflict?: { what: string; ownerName: string; dueDate: string; priority: string };
    };
    'actions/settings': {
      tools: Array<{ toolId: string; title: string; urgent: string; normal: string; custom: boolean }>;
      levels: Array<{ level: number; daysName: string; tellName: string; items: Array<Option & { checked: boolean }> }>;
      people: Option[];
      qaLeadFallback: string;
      conflict?: boolean;
    } & FormState;
    'actions/tool-rule': FormState & { toolId: string; title: string; custom: boolean; units: Option[]; conflict?: { urgent: string; normal: string } };
  }
}
