import { describe, expect, it } from 'vitest';
import { safeguardingRecipients, type ChainPerson } from './safeguarding.ts';

function people(...list: Array<[string, string | null, boolean?]>): Map<string, ChainPerson> {
  return new Map(list.map(([id, lineManagerId, active]) => [id, { id, lineManagerId, active: active ?? true }]));
}

describe('who a safeguarding concern goes to', () => {
  it('goes to the practitioner’s line manager and that manager’s own manager, and nobody else', () => {
    const chain = people(['worker', 'pm'], ['pm', 'gm'], ['gm', 'ad'], ['ad', 'dcs'], ['dcs', null]);
    expect(safeguardingRecipients({ practitioner: chain.get('worker')!, teamManagerId: 'pm', serviceLeadId: 'gm', people: chain })).toEqual([
      { userId: 'pm', relationship: 'line-manager' },
      { userId: 'gm', relationship: 'group-manager' },
    ]);
  });

  it('falls back to the service lead when the line manager has no manager recorded', () => {
    const chain = people(['worker', 'pm'], ['pm', null], ['lead', null]);
    expect(safeguardingRecipients({ practitioner: chain.get('worker')!, teamManagerId: 'pm', serviceLeadId: 'lead', people: chain })).toEqual([
      { userId: 'pm', relationship: 'line-manager' },
      { userId: 'lead', relationship: 'service-lead' },
    ]);
  });

  it('uses the team’s manager when the practitioner has no line manager, or theirs is disabled', () => {
    const chain = people(['worker', 'gone'], ['gone', 'gm', false], ['tm', 'gm'], ['gm', null]);
    expect(safeguardingRecipients({ practitioner: chain.get('worker')!, teamManagerId: 'tm', serviceLeadId: 'gm', people: chain })).toEqual([
      { userId: 'tm', relationship: 'team-manager' },
      { userId: 'gm', relationship: 'group-manager' },
    ]);
  });

  it('still reaches someone for an audit with no practitioner', () => {
    const chain = people(['tm', 'gm'], ['gm', null]);
    expect(safeguardingRecipients({ practitioner: null, teamManagerId: 'tm', serviceLeadId: 'gm', people: chain })).toEqual([
      { userId: 'tm', relationship: 'team-manager' },
      { userId: 'gm', relationship: 'group-manager' },
    ]);
  });

  it('tells one person once when the line manager also leads the service', () => {
    const chain = people(['worker', 'lead'], ['lead', null]);
    expect(safeguardingRecipients({ practitioner: chain.get('worker')!, teamManagerId: 'lead', serviceLeadId: 'lead', people: chain })).toEqual([{ userId: 'lead', relationship: 'line-manager' }]);
  });
});
