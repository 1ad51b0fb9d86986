/**
 * The format-independent facts about children that every importer produces and the timeliness
 * engine, the chronology and the indicators read. Dates are ISO `YYYY-MM-DD` strings (never
 * Date objects: a calendar date has no time zone).
 *
 * Importers may add kinds and optional fields; the fields below are the contract the engine
 * relies on and must not change meaning.
 */

/** Where a fact came from, so a user can trace a figure back to a row of their own extract. */
export interface FactSource {
  format: 'annex-a' | 'ssda903' | 'cin-census' | 'ssd' | 'manual';
  file: string; // the file's base name as uploaded (never used to build a path)
  sheet?: string; // Annex A list or SSD table
  row?: number; // 1-based row (or element ordinal in XML) in that file or sheet
}

export interface Child {
  childId: string; // the council's own child identifier (LA child ID / CHILD / PersonID)
  dateOfBirth?: string;
  expectedDateOfBirth?: string;
  gender?: string; // 'male' | 'female' | 'unknown' | 'neither', whatever the source's coding
  ethnicity?: string; // DfE ethnicity code (WBRI, APKN …)
  disability?: boolean;
  uasc?: boolean;
  team?: string;
  worker?: string;
  source: FactSource;
}

interface FactBase {
  childId: string;
  source: FactSource;
}

export type CaseFact =
  | (FactBase & { kind: 'contact'; date: string; contactSource?: string; outcome?: string })
  | (FactBase & { kind: 'early-help'; startDate: string; endDate?: string })
  | (FactBase & { kind: 'referral'; date: string; nfa?: boolean; referralSource?: string })
  /** A child-in-need episode (CIN census CINdetails, SSD cin_episodes, Annex A list 6): referral to closure. */
  | (FactBase & { kind: 'cin-episode'; startDate: string; endDate?: string; primaryNeed?: string; closureReason?: string; caseStatus?: string })
  | (FactBase & { kind: 'assessment'; startDate: string; authorisedDate?: string; factors?: string[]; childSeen?: boolean })
  /** A strategy discussion and what followed it. `icpcNotRequired` excludes it from icpc-15wd. */
  | (FactBase & { kind: 's47'; strategyDate: string; s47StartDate?: string; icpcDate?: string; icpcNotRequired?: boolean; outcome?: string; icpcTargetDate?: string; icpcResultedInPlan?: boolean })
  /** An initial conference known without the strategy discussion behind it (so not timed by icpc-15wd). */
  | (FactBase & { kind: 'icpc'; date: string; targetDate?: string; resultedInPlan?: boolean })
  | (FactBase & { kind: 'cin-plan'; startDate: string; endDate?: string })
  | (FactBase & { kind: 'cin-visit'; date: string; seen?: boolean; seenAlone?: boolean })
  /** `category` is the initial category of abuse (NEG, PHY, SAB, EMO, MUL). */
  | (FactBase & { kind: 'cp-plan'; startDate: string; endDate?: string; category?: string; previousPlans?: number; latestCategory?: string })
  /** `seen: false` marks a recorded visit at which the child was not seen. */
  | (FactBase & { kind: 'cp-visit'; date: string; seenAlone?: boolean; seen?: boolean })
  | (FactBase & { kind: 'cp-review'; date: string; dueDate?: string })
  /** An SSDA903 episode (or a looked-after period from another format, as one episode). */
  | (FactBase & { kind: 'cla-episode'; startDate: string; endDate?: string; rne?: string; legalStatus?: string; placement?: string; reasonEnded?: string })
  | (FactBase & { kind: 'cla-review'; date: string; participation?: string; dueDate?: string })
  | (FactBase & { kind: 'cla-visit'; date: string; seen?: boolean; seenAlone?: boolean })
  /** One placement within a period of care (SSD cla_placement); `placementType` is the 903 code. */
  | (FactBase & { kind: 'placement'; startDate: string; endDate?: string; placementType?: string })
  | (FactBase & { kind: 'health-assessment'; date: string })
  /** Annex A list 8 gives only a count; SSDA903 episodes let the engine count placements itself. */
  | (FactBase & { kind: 'placement-count'; asOf: string; placementsLast12Months: number })
  | (FactBase & { kind: 'missing'; startDate: string; endDate?: string; type?: 'missing' | 'away' })
  | (FactBase & { kind: 'care-leaver-contact'; date: string; accommodation?: string; activity?: string })
  | (FactBase & { kind: 'pathway-plan-review'; date: string })
  | (FactBase & { kind: 'adoption'; decisionDate?: string; placedDate?: string; orderDate?: string; matchedDate?: string; placementOrderDate?: string; decisionReversedDate?: string })
  /** A worker's or team's allocation to the child (SSDA903 sw_episodes, SSD involvements). */
  | (FactBase & { kind: 'allocation'; startDate: string; endDate?: string; worker?: string; team?: string })
  /** A deprivation of liberty order (SSDA903 DoLo table, 2024 onwards). */
  | (FactBase & { kind: 'deprivation-of-liberty'; startDate: string; endDate?: string });

export type CaseFactKind = CaseFact['kind'];

/** What one import produced: children, facts and every problem found, located exactly. */
export interface ParsedExtract {
  /**
   * For several files merged, the format of the first one; `formats` lists every format read.
   * When no file could be read at all, `formats` is empty and `format` is 'manual'.
   */
  format: FactSource['format'];
  formats?: FactSource['format'][];
  children: Child[];
  facts: CaseFact[];
  problems: ImportProblem[];
  rowsRead: number;
}

export interface ImportProblem {
  file: string;
  sheet?: string;
  row?: number;
  column?: string;
  /** error: the row cannot be used; warning: used, with the value named here ignored. */
  severity: 'error' | 'warning';
  message: string;
}
