import { describe, expect, it } from 'vitest';
import type { ParsedExtract } from '../facts.ts';
import { parseCinCensus } from './cin-census.ts';

const census = (children: string, reference = '2025-03-31') => `<?xml version="1.0" encoding="utf-8"?>
<Message xmlns="http://www.example.org/cin">
  <Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year><ReferenceDate>${reference}</ReferenceDate></CollectionDetails></Header>
  <Children>${children}</Children>
</Message>`;

const child = (id: string, inner: string, identifiers = '<PersonBirthDate>2015-03-27</PersonBirthDate><Sex>F</Sex>') =>
  `<Child><ChildIdentifiers><LAchildID>${id}</LAchildID>${identifiers}</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>${inner}</Child>`;

const errors = (result: ParsedExtract) => result.problems.filter((problem) => problem.severity === 'error');

describe('the CIN census', () => {
  it('turns each block into facts: referral, episode, assessment, plans, section 47 and reviews', () => {
    const result = parseCinCensus(
      'cin.xml',
      census(
        child(
          '0012',
          `<CINdetails><CINreferralDate>2025-01-06</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
            <DateOfInitialCPC>2025-01-27</DateOfInitialCPC>
            <Assessments><AssessmentActualStartDate>2025-01-06</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-02-20</AssessmentAuthorisationDate>
              <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>3A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
            <Section47><S47ActualStartDate>2025-01-07</S47ActualStartDate><InitialCPCtarget>2025-01-28</InitialCPCtarget><DateOfInitialCPC>2025-01-27</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
            <Section47><S47ActualStartDate>2025-03-03</S47ActualStartDate><ICPCnotRequired>true</ICPCnotRequired></Section47>
            <ChildProtectionPlans><CPPstartDate>2025-01-27</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP>
              <Reviews><CPPreviewDate>2025-04-22</CPPreviewDate><CPPreviewDate>2025-10-21</CPPreviewDate></Reviews></ChildProtectionPlans>
          </CINdetails>`,
        ),
      ),
    );
    expect(result.problems).toEqual([]);
    expect(result.children).toEqual([
      { childId: '0012', source: { format: 'cin-census', file: 'cin.xml', sheet: 'Child', row: 1 }, dateOfBirth: '2015-03-27', gender: 'female', ethnicity: 'WBRI', disability: false },
    ]);
    const strip = result.facts.map(({ source: _source, childId: _child, ...rest }) => rest);
    expect(strip).toEqual([
      { kind: 's47', strategyDate: '2025-01-07', s47StartDate: '2025-01-07', icpcDate: '2025-01-27', icpcTargetDate: '2025-01-28', icpcNotRequired: false },
      { kind: 's47', strategyDate: '2025-03-03', s47StartDate: '2025-03-03', icpcNotRequired: true },
      { kind: 'referral', date: '2025-01-06', nfa: false, referralSource: '5A' },
      { kind: 'cin-episode', startDate: '2025-01-06', primaryNeed: 'N1' },
      // The episode's conference date repeats the first enquiry's, so no separate conference fact.
      { kind: 'assessment', startDate: '2025-01-06', authorisedDate: '2025-02-20', factors: ['2A', '3A'] },
      { kind: 'cp-plan', startDate: '2025-01-27', category: 'NEG', latestCategory: 'EMO', previousPlans: 1 },
      { kind: 'cp-review', date: '2025-04-22' },
      { kind: 'cp-review', date: '2025-10-21' },
    ]);
  });

  it('reads GenderCurrent (to 2023) and Sex (from 2024)', () => {
    const result = parseCinCensus(
      'cin.xml',
      census(child('A', '', '<PersonBirthDate>2015-03-27</PersonBirthDate><GenderCurrent>1</GenderCurrent>') + child('B', '', '<PersonBirthDate>2016-03-27</PersonBirthDate><Sex>2</Sex>')),
    );
    expect(result.children.map((entry) => entry.gender)).toEqual(['male', 'female']);
  });

  it('loses only the block with an error, and says where it is', () => {
    const result = parseCinCensus(
      'cin.xml',
      census(
        child('A', '<CINdetails><CINreferralDate>2025-01-06</CINreferralDate></CINdetails>') +
          child(
            'B',
            `<CINdetails><CINreferralDate>2025-02-30</CINreferralDate>
              <Section47><S47ActualStartDate>2025-03-10</S47ActualStartDate><DateOfInitialCPC>2025-03-01</DateOfInitialCPC></Section47>
              <CINPlanDates><CINPlanStartDate>2025-03-01</CINPlanStartDate></CINPlanDates></CINdetails>`,
          ) +
          '<Child><ChildIdentifiers><PersonBirthDate>2015-01-01</PersonBirthDate></ChildIdentifiers><CINdetails><CINreferralDate>2025-01-06</CINreferralDate></CINdetails></Child>',
      ),
    );
    expect(errors(result).map(({ sheet, row, column, message }) => ({ sheet, row, column, message }))).toEqual([
      { sheet: 'CINdetails', row: 2, column: 'CINreferralDate', message: '2025-02-30 is not a real date (Child 2, CINdetails 1)' },
      { sheet: 'Section47', row: 2, column: 'DateOfInitialCPC', message: expect.stringMatching(/before S47ActualStartDate.*Child 2, CINdetails 1, Section47 1/) },
      { sheet: 'ChildIdentifiers', row: 3, column: 'LAchildID', message: 'the child identifier is missing (Child 3)' },
    ]);
    expect(result.facts.map((fact) => `${fact.childId} ${fact.kind}`)).toEqual(['A referral', 'A cin-episode', 'B cin-plan']);
  });

  it('warns when the reference date is not 31 March', () => {
    const result = parseCinCensus('cin.xml', census('', '2025-03-28'));
    expect(result.problems).toContainEqual({ file: 'cin.xml', sheet: 'Header', column: 'ReferenceDate', severity: 'warning', message: expect.stringMatching(/2025-03-28/) });
  });

  it('refuses malformed XML with its line, and any document type declaration', () => {
    const broken = parseCinCensus('cin.xml', '<Message>\n<Children>\n<Child></Children>\n</Message>');
    expect(broken.problems).toEqual([expect.objectContaining({ severity: 'error', row: 3, message: expect.stringMatching(/not well-formed XML \(line 3/) })]);
    const laughs = parseCinCensus('cin.xml', '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Message>&b;</Message>');
    expect(laughs.problems).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/document type/) })]);
    expect(laughs.facts).toEqual([]);
  });

  it('names a file that is XML but not a census', () => {
    const result = parseCinCensus('other.xml', '<Invoice><Total>3</Total></Invoice>');
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/no <Message> root/) })]);
  });
});
