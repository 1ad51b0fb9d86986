/**
 * The dispute chain as a form: the meeting's timescale, then up to four levels, each a title, who
 * decides (one select: a role, the head of the child's service, or a named person) and a timescale.
 * An empty row is not a level.
 */
import type { FieldErrors } from '../../platform/http/forms.ts';
import { toFieldErrors } from '../../platform/http/forms.ts';
import { DECIDER_ROLES, type Decider, type DisputeChain } from './chain.ts';

export const CHAIN_ROWS = 4;

export function deciderValue(decider: Decider): string {
  if (decider.kind === 'role') return `role:${decider.role}`;
  if (decider.kind === 'user') return `user:${decider.userId}`;
  return 'service-lead';
}

function readDecider(value: string, userIds: ReadonlySet<string>): Decider | null {
  if (value === 'service-lead') return { kind: 'service-lead' };
  const [kind, rest] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  if (kind === 'role' && (DECIDER_ROLES as readonly string[]).includes(rest)) return { kind: 'role', role: rest as (typeof DECIDER_ROLES)[number] };
  if (kind === 'user' && userIds.has(rest)) return { kind: 'user', userId: rest };
  return null;
}

function days(value: string): number | null {
  return /^\d{1,2}$/.test(value) && Number(value) >= 1 && Number(value) <= 60 ? Number(value) : null;
}

export function chainFormValues(chain: DisputeChain): Record<string, string> {
  const values: Record<string, string> = { meetingWorkingDays: String(chain.meetingWorkingDays) };
  chain.steps.forEach((step, i) => {
    values[`title-${i + 1}`] = step.title;
    values[`decider-${i + 1}`] = deciderValue(step.decider);
    values[`days-${i + 1}`] = String(step.workingDays);
  });
  return values;
}

export function readChainForm(body: Record<string, unknown>, userIds: ReadonlySet<string>): { ok: true; chain: DisputeChain } | { ok: false; errors: FieldErrors } {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
  const issues: Array<{ path: string[]; message: string }> = [];
  const meeting = days(text('meetingWorkingDays'));
  if (meeting === null) issues.push({ path: ['meetingWorkingDays'], message: 'Enter the working days for the meeting as a whole number from 1 to 60' });
  const steps: DisputeChain['steps'] = [];
  for (let i = 1; i <= CHAIN_ROWS; i++) {
    const [title, decider, workingDays] = [text(`title-${i}`), text(`decider-${i}`), text(`days-${i}`)];
    if (!title && !decider && !workingDays) continue;
    const who = readDecider(decider, userIds);
    const n = days(workingDays);
    if (!title) issues.push({ path: [`title-${i}`], message: `Enter the name of level ${i}` });
    else if (title.length > 80) issues.push({ path: [`title-${i}`], message: `The name of level ${i} must be 80 characters or fewer` });
    if (!who) issues.push({ path: [`decider-${i}`], message: `Select who decides at level ${i}` });
    if (n === null) issues.push({ path: [`days-${i}`], message: `Enter the working days for level ${i} as a whole number from 1 to 60` });
    if (title && title.length <= 80 && who && n !== null) steps.push({ title, decider: who, workingDays: n });
  }
  if (issues.length === 0 && steps.length === 0) issues.push({ path: ['title-1'], message: 'Enter at least one level above the meeting' });
  if (issues.length > 0) return { ok: false, errors: toFieldErrors(issues) };
  return { ok: true, chain: { meetingWorkingDays: meeting!, steps } };
}
