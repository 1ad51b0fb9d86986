/** An action's history in words, from the events recorded for it. */
import { formatDate } from '../platform/http/render.ts';
import { RECIPIENT_LABELS, type Recipient } from './escalation.ts';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export function describeEvent(kind: string, detail: Record<string, unknown> | null): string {
  const d = detail ?? {};
  switch (kind) {
    case 'created':
      return `Set, due ${formatDate(str(d.dueDate))}${d.dueDateDefaulted ? ' (the default deadline)' : ''}${d.priority === 'urgent' ? ', urgent' : ''}`;
    case 'done':
      return `Marked done: ${str(d.evidence)}`;
    case 'signed-off':
      return d.note ? `Signed off: ${str(d.note)}` : 'Signed off';
    case 'reopened':
      return `Reopened: ${str(d.reason)}`;
    case 'cancelled':
      return `Cancelled: ${str(d.reason)}`;
    case 'due-date-changed': {
      const change = (d.dueDate ?? d) as { from?: unknown; to?: unknown };
      return `Due date changed from ${formatDate(str(change.from))} to ${formatDate(str(change.to))}`;
    }
    case 'changed':
      return `Changed: ${Object.keys(d)
        .map((k) => ({ what: 'what must happen', ownerId: 'owner', dueDate: 'due date', priority: 'priority' })[k] ?? k)
        .join(', ')}`;
    case 'reminded':
      return 'Owner reminded that the due date is near';
    case 'escalated': {
      const tell = Array.isArray(d.tell) ? (d.tell as Recipient[]).map((r) => RECIPIENT_LABELS[r]?.toLowerCase()).filter(Boolean) : [];
      return `Escalated, level ${String(d.level)}: ${tell.join(', ')} told`;
    }
    default:
      return kind;
  }
}
