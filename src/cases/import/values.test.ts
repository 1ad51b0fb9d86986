import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CellError, displayName, headerKey, leadingCode, parseDate, parseGender, parseIdentifier, parseYesNo, stripListPrefix } from './values.ts';

const sheet = { serials: true };
const text = { serials: false };

describe('dates as extracts write them', () => {
  it('reads ISO, with or without the time SQL Server adds', () => {
    expect(parseDate('2024-02-29', text)).toEqual({ ok: true, value: '2024-02-29' });
    expect(parseDate('2024-02-29 00:00:00.000', text)).toEqual({ ok: true, value: '2024-02-29' });
    expect(parseDate('2024-02-29T13:45:00Z', text)).toEqual({ ok: true, value: '2024-02-29' });
  });

  it('reads UK day/month/year, with slashes, dashes or dots', () => {
    expect(parseDate('03/04/2024', text)).toEqual({ ok: true, value: '2024-04-03' });
    expect(parseDate('3/4/2024', text)).toEqual({ ok: true, value: '2024-04-03' });
    expect(parseDate('03-04-2024', text)).toEqual({ ok: true, value: '2024-04-03' });
    expect(parseDate('03.04.2024', text)).toEqual({ ok: true, value: '2024-04-03' });
  });

  it('reads Excel serial days where the format allows them, skipping Excel’s phantom 29 February 1900', () => {
    expect(parseDate(45352, sheet)).toEqual({ ok: true, value: '2024-03-01' });
    expect(parseDate('45352', sheet)).toEqual({ ok: true, value: '2024-03-01' });
    expect(parseDate(45352.75, sheet)).toEqual({ ok: true, value: '2024-03-01' });
    expect(parseDate(61, sheet)).toEqual({ ok: true, value: '1900-03-01' });
    expect(parseDate(59, sheet)).toEqual({ ok: true, value: '1900-02-28' });
    expect(parseDate(60, sheet)).toMatchObject({ ok: false });
    expect(parseDate(45352, text)).toMatchObject({ ok: false, reason: expect.stringMatching(/number, not a date/) });
  });

  it('reads spreadsheet date cells, even an instant just before midnight', () => {
    expect(parseDate(new Date('2020-09-16T00:00:00.000Z'), sheet)).toEqual({ ok: true, value: '2020-09-16' });
    expect(parseDate(new Date('2020-09-15T23:59:59.990Z'), sheet)).toEqual({ ok: true, value: '2020-09-16' });
  });

  it('rejects dates that do not exist, naming the value', () => {
    expect(parseDate('31/02/2024', text)).toEqual({ ok: false, reason: '31/02/2024 is not a real date' });
    expect(parseDate('2023-02-29', text)).toEqual({ ok: false, reason: '2023-02-29 is not a real date' });
    expect(parseDate('00/01/2024', text)).toMatchObject({ ok: false });
    expect(parseDate('15/13/2024', text)).toMatchObject({ ok: false });
  });

  it('refuses ambiguous or implausible dates rather than guessing', () => {
    expect(parseDate('03/04/24', text)).toMatchObject({ ok: false, reason: expect.stringMatching(/expected DD\/MM\/YYYY/) });
    expect(parseDate('April 3rd', text)).toMatchObject({ ok: false });
    expect(parseDate('1066-04-13', text)).toMatchObject({ ok: false, reason: expect.stringMatching(/outside the years/) });
    expect(parseDate(new CellError('#N/A'), sheet)).toMatchObject({ ok: false, reason: expect.stringMatching(/#N\/A/) });
  });

  it('treats blanks as no date', () => {
    expect(parseDate('', text)).toBeUndefined();
    expect(parseDate('   ', text)).toBeUndefined();
    expect(parseDate(null, text)).toBeUndefined();
  });

  it('round-trips every real date in both written forms', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
        const iso = instant.toISOString().slice(0, 10);
        const [year, month, day] = iso.split('-');
        expect(parseDate(iso, text)).toEqual({ ok: true, value: iso });
        expect(parseDate(`${day}/${month}/${year}`, text)).toEqual({ ok: true, value: iso });
      }),
    );
  });
});

describe('column headings', () => {
  it('match whatever the case, spacing, quotes and brackets', () => {
    const official = headerKey('Age of Child (Years)');
    expect(headerKey('AGE OF CHILD  (YEARS)')).toBe(official);
    expect(headerKey('Age\u00a0of\u00a0Child ((Years))')).toBe(official);
    expect(headerKey(' age of child (years) ')).toBe(official);
    expect(headerKey("Number of Episodes the Child has been \u2018Missing\u2019")).toBe(headerKey("Number of Episodes the Child has been 'Missing'"));
    expect(headerKey('Referral NFA?')).toBe(headerKey('Referral NFA'));
    expect(headerKey('Age')).not.toBe(official);
  });
});

describe('coded answers', () => {
  it('drop the list prefix Annex A templates add', () => {
    expect(stripListPrefix('b) Female')).toBe('Female');
    expect(stripListPrefix('p1) 5D: LA services')).toBe('5D: LA services');
    expect(stripListPrefix('Female')).toBe('Female');
  });

  it('give the code at the front of a labelled answer', () => {
    expect(leadingCode('q) 6: Police')).toBe('6');
    expect(leadingCode('E1: Placement order')).toBe('E1');
    expect(leadingCode('N1 - Abuse or neglect')).toBe('N1');
    expect(leadingCode('f) U6: Foster placement - not FFA')).toBe('U6');
    expect(leadingCode('k) APKN')).toBe('APKN');
    expect(leadingCode('c) Child in need plan')).toBeUndefined();
  });

  it('read gender however each return codes it', () => {
    for (const male of ['a) Male', 'Male', 'M', '1', 1]) expect(parseGender(male)).toEqual({ ok: true, value: 'male' });
    for (const female of ['b) Female', 'female', 'F', '2']) expect(parseGender(female)).toEqual({ ok: true, value: 'female' });
    for (const unknown of ['c) Not stated/recorded', '0', '9', 'U']) expect(parseGender(unknown)).toEqual({ ok: true, value: 'unknown' });
    expect(parseGender('d) Neither')).toEqual({ ok: true, value: 'neither' });
    expect(parseGender('banana')).toMatchObject({ ok: false });
  });

  it('read yes and no in their many spellings', () => {
    for (const yes of ['a) Yes', 'Yes', 'Y', 'true', 1, true]) expect(parseYesNo(yes)).toEqual({ ok: true, value: true });
    for (const no of ['b) No', 'no', 'N', 'false', 0]) expect(parseYesNo(no)).toEqual({ ok: true, value: false });
    expect(parseYesNo('c) Unknown')).toEqual({ ok: true, value: undefined });
    expect(parseYesNo('perhaps')).toMatchObject({ ok: false });
  });
});

describe('identifiers and file names', () => {
  it('keep every digit of a spreadsheet number and refuse what cannot be an identifier', () => {
    expect(parseIdentifier(9212044)).toEqual({ ok: true, value: '9212044' });
    expect(parseIdentifier(' RND000215205141 ')).toEqual({ ok: true, value: 'RND000215205141' });
    expect(parseIdentifier(1.5)).toMatchObject({ ok: false });
    expect(parseIdentifier('a\u0000b')).toMatchObject({ ok: false });
  });

  it('label a file by its base name only', () => {
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('C:\\Users\\qa\\List 1.csv')).toBe('List 1.csv');
    expect(displayName('bad\u0007name.csv')).toBe('badname.csv');
    expect(displayName('')).toBe('upload');
  });
});
