/** The columns of an action list exported as CSV or Excel: references only, never a child's name. */
import type { ExportColumn } from '../platform/export/table.ts';
import { STATUS_LABELS } from './lifecycle.ts';
import type { ActionRow } from './service.ts';

export const ACTION_COLUMNS: ReadonlyArray<ExportColumn<ActionRow>> = [
  { header: 'Reference', value: (r) => r.reference, width: 10 },
  { header: 'Action', value: (r) => r.what, width: 60 },
  { header: 'Owner', value: (r) => r.ownerName, width: 22 },
  { header: 'Team', value: (r) => r.teamName, width: 28 },
  { header: 'Child reference', value: (r) => r.childRef, width: 16 },
  { header: 'Audit tool', value: (r) => r.toolTitle, width: 30 },
  { header: 'Status', value: (r) => STATUS_LABELS[r.status], width: 22 },
  { header: 'Priority', value: (r) => r.priority, width: 10 },
  { header: 'Due date', value: (r) => r.dueDate, width: 12 },
  { header: 'Working days overdue', value: (r) => r.overdueBy, width: 12 },
  { header: 'Escalation level', value: (r) => r.escalationLevel, width: 10 },
  { header: 'Set on', value: (r) => r.createdAt.toISOString().slice(0, 10), width: 12 },
];
