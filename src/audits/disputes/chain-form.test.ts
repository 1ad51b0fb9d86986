import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAIN } from './chain.ts';
import { chainFormValues, readChainForm } from './chain-form.ts';

const PERSON = '4a1c8a52-0d0e-4c8e-9f5e-1f8b2b9a7c11';

describe('the dispute chain form', () => {
  it('reads back the chain it shows', () => {
    expect(readChainForm(chainFormValues(DEFAULT_CHAIN), new Set())).toEqual({ ok: true, chain: DEFAULT_CHAIN });
  });

  it('reads a named person as a decider, and skips empty rows', () => {
    const result = readChainForm({ meetingWorkingDays: '3', 'title-1': 'Head of QA', 'decider-1': `user:${PERSON}`, 'days-1': '5', 'title-3': 'Director', 'decider-3': 'role:senior-leader', 'days-3': '15' }, new Set([PERSON]));
    expect(result).toEqual({
      ok: true,
      chain: {
        meetingWorkingDays: 3,
        steps: [
          { title: 'Head of QA', decider: { kind: 'user', userId: PERSON }, workingDays: 5 },
          { title: 'Director', decider: { kind: 'role', role: 'senior-leader' }, workingDays: 15 },
        ],
      },
    });
  });

  it('refuses someone not in the council, a role that cannot decide, and a level with no timescale', () => {
    const result = readChainForm({ meetingWorkingDays: '3', 'title-1': 'A', 'decider-1': `user:${PERSON}`, 'days-1': '5', 'title-2': 'B', 'decider-2': 'role:partner', 'days-2': '0' }, new Set());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.list.map((e) => e.href)).toEqual(['#decider-1', '#decider-2', '#days-2']);
  });

  it('needs the meeting’s timescale and at least one level', () => {
    const result = readChainForm({}, new Set());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.list.map((e) => e.href)).toEqual(['#meetingWorkingDays']);
    const noLevels = readChainForm({ meetingWorkingDays: '5' }, new Set());
    expect(noLevels.ok ? [] : noLevels.errors.list.map((e) => e.text)).toEqual(['Enter at least one level above the meeting']);
  });
});
