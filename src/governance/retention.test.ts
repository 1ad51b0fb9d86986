import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, ageOn, fromDayNumber, toDayNumber } from '../platform/calendar/iso-date.ts';
import { actionDisposalDate, anniversary, auditDisposalDate, childDisposalDate, childRetentionClass, importProblemsDisposalDate, isDue, RETENTION_CLASSES } from './retention.ts';

describe('the retention schedule', () => {
  it('keeps a looked-after child’s record until the 75th birthday, due on the birthday and not the day before', () => {
    const disposal = childDisposalDate({ caseType: 'cla', dateOfBirth: '2010-06-15', lastActivityOn: '2026-01-01' });
    expect(disposal).toEqual({ retentionClass: 'looked-after-child', date: '2085-06-15' });
    expect(isDue(disposal, '2085-06-14')).toBe(false);
    expect(isDue(disposal, '2085-06-15')).toBe(true);
    expect(isDue(disposal, '2085-06-16')).toBe(true);
  });

  it('counts a 29 February birthday to 1 March in a common year, and to 29 February in a leap year', () => {
    expect(childDisposalDate({ caseType: 'care-leaver', dateOfBirth: '2008-02-29', lastActivityOn: null }).date).toBe('2083-03-01');
    expect(childDisposalDate({ caseType: 'cla', dateOfBirth: '2012-02-29', lastActivityOn: null }).date).toBe('2087-03-01');
    expect(childDisposalDate({ caseType: 'cin', dateOfBirth: '2008-02-29', lastActivityOn: null }).date).toBe('2033-03-01');
    expect(anniversary('2008-02-29', 4)).toBe('2012-02-29');
    const held = childDisposalDate({ caseType: 'cla', dateOfBirth: '2008-02-29', lastActivityOn: null });
    expect(isDue(held, '2083-02-28')).toBe(false);
    expect(isDue(held, '2083-03-01')).toBe(true);
  });

  it('agrees with the calendar’s own reading of age: the anniversary is the first day of that age', () => {
    const days = fc.integer({ min: toDayNumber('1950-01-01'), max: toDayNumber('2030-12-31') }).map(fromDayNumber);
    fc.assert(
      fc.property(days, fc.integer({ min: 1, max: 120 }), (birth, years) => {
        const day = anniversary(birth, years);
        expect(ageOn(birth, day)).toBe(years);
        expect(ageOn(birth, addDays(day, -1))).toBe(years - 1);
      }),
    );
  });

  it('keeps a child in need or on a protection plan until the 25th birthday, or the 26th when the case ran past 17', () => {
    expect(childDisposalDate({ caseType: 'cp', dateOfBirth: '2012-09-01', lastActivityOn: '2026-05-01' })).toEqual({ retentionClass: 'child-in-need', date: '2037-09-01' });
    // The day before the 17th birthday: still the 25th.
    expect(childDisposalDate({ caseType: 'cin', dateOfBirth: '2009-09-01', lastActivityOn: '2026-08-31' }).date).toBe('2034-09-01');
    // On the 17th birthday: the 26th.
    expect(childDisposalDate({ caseType: 'cin', dateOfBirth: '2009-09-01', lastActivityOn: '2026-09-01' }).date).toBe('2035-09-01');
    expect(childDisposalDate({ caseType: 'early-help', dateOfBirth: '2015-01-01', lastActivityOn: null }).retentionClass).toBe('child-in-need');
  });

  it('keeps an adopted child’s record 100 years from the latest day an order can be made', () => {
    expect(childDisposalDate({ caseType: 'adoption', dateOfBirth: '2020-03-10', lastActivityOn: null })).toEqual({ retentionClass: 'adopted-child', date: '2139-03-10' });
  });

  it('gives a child with no date of birth no disposal date, so it is never disposed of automatically', () => {
    const disposal = childDisposalDate({ caseType: 'cla', dateOfBirth: null, lastActivityOn: '2026-01-01' });
    expect(disposal.date).toBeNull();
    expect(disposal).toHaveProperty('why', expect.stringContaining('date of birth'));
    expect(isDue(disposal, '2999-12-31')).toBe(false);
  });

  it('keeps a child of unknown case type for the longest period short of adoption', () => {
    expect(childRetentionClass(null)).toBe('child-unclassified');
    expect(childRetentionClass('something new')).toBe('child-unclassified');
    expect(childDisposalDate({ caseType: null, dateOfBirth: '2011-01-31', lastActivityOn: null }).date).toBe('2086-01-31');
  });

  it('keeps audits and actions 6 whole years after they end, and open ones until they end', () => {
    expect(auditDisposalDate('2026-03-31')).toEqual({ retentionClass: 'audit', date: '2032-03-31' });
    expect(auditDisposalDate('2024-02-29').date).toBe('2030-03-01');
    expect(isDue(auditDisposalDate(null), '2999-01-01')).toBe(false);
    expect(actionDisposalDate('2026-07-01').date).toBe('2032-07-01');
    expect(actionDisposalDate(null).date).toBeNull();
    expect(importProblemsDisposalDate('2026-01-15').date).toBe('2027-01-15');
  });

  it('says where every rule comes from, and which ones Sightline does not dispose of itself', () => {
    for (const [id, rule] of Object.entries(RETENTION_CLASSES)) {
      expect(rule.source.length, id).toBeGreaterThan(40);
      expect(rule.period, id).not.toBe('');
    }
    expect(RETENTION_CLASSES['access-log'].disposedBySightline).toBe(false);
  });
});
