import { describe, expect, it } from 'vitest';
import { redactChild } from './redact.ts';

const child = { name: 'Will Ashdown-Pryce', dateOfBirth: '2015-03-04', childRef: 'NB-Q042' };

describe('quotes on aggregate pages', () => {
  it('removes the child’s name, each part of it, and possessives', () => {
    expect(redactChild('Will Ashdown-Pryce told me the visits help.', child)).toBe('[the child] told me the visits help.');
    expect(redactChild("Will's mum said Ashdown-Pryce family feel heard", child)).toBe("[the child]'s mum said [the child] family feel heard");
    expect(redactChild('PRYCE wrote a letter', child)).toBe('[the child] wrote a letter');
  });

  it('keeps ordinary words that happen to be a part of the name', () => {
    expect(redactChild('We will keep visiting; the worker will call.', child)).toBe('We will keep visiting; the worker will call.');
  });

  it('removes the child’s reference and the date of birth however it is written', () => {
    const written = ['2015-03-04', '4/3/2015', '04/03/2015', '04.03.15', '4 March 2015', '4th March 2015', '4 Mar 2015', 'March 4, 2015', 'march 4th 2015'];
    for (const date of written) expect(redactChild(`born ${date}, see nb-q042`, child), date).toBe('born [date of birth], see [the child]');
  });

  it('removes anything shaped like another child’s reference or a date, but not other numbers', () => {
    expect(redactChild('Sibling NB-Q0420 (born 5/3/2015) and case 1234567 were seen on 12 June 2026', child)).toBe('Sibling [reference] (born [date]) and case [reference] were seen on [date]');
    expect(redactChild('Seen 3 times in 2026, 10 working days apart', child)).toBe('Seen 3 times in 2026, 10 working days apart');
    expect(redactChild('Nothing to hide here', { name: null, dateOfBirth: null, childRef: null })).toBe('Nothing to hide here');
  });
});
