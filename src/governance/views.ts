/** The models the information governance pages render. */
import type { FieldErrors } from '../platform/http/forms.ts';
import type { RetentionClass } from './retention.ts';
import type { ReviewedRecord, RetentionReview } from './disposal.ts';
import type { HoldView } from './holds.ts';
import type { RequestView } from './subject-access/service.ts';
import type { BundleSection } from './subject-access/redaction.ts';
import type { LogEntry, ReportFilter } from './access-log-report.ts';

interface Option {
  value: string;
  text: string;
}

interface CheckboxItem {
  value: string;
  text: string;
  hint?: { text: string };
  checked: boolean;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'governance/index': { openRequests: number; activeHolds: number; dueToday: number };
    'governance/requests': { requests: RequestView[] };
    'governance/request-new': { values: Record<string, unknown>; requesters: Option[]; errors?: FieldErrors };
    'governance/request': {
      request: RequestView;
      bundles: Array<{ producedAt: Date; producedByName: string; sha256: string; bytes: number; countsText: string; redactionsText: string }>;
      staffNames: 'redact' | 'disclose';
      staffCount: number;
      parties: CheckboxItem[];
      fieldGroups: Array<{ title: string; items: CheckboxItem[] }>;
      fieldCount: number;
      preview?: { sections: BundleSection[]; summaryText: string };
      errors?: FieldErrors;
    };
    'governance/retention': {
      asOf: string;
      asOfValues: Record<string, string>;
      isToday: boolean;
      classes: Array<RetentionClass & { id: string }>;
      review: RetentionReview;
      shown: { due: ReviewedRecord[]; kept: ReviewedRecord[] };
      runs: Array<{ id: string; asOf: string; startedAt: Date; channel: string; startedByName: string | null; disposed: number; held: number }>;
      errors?: FieldErrors;
    };
    'governance/disposal-run': {
      run: { id: string; asOf: string; startedAt: Date; finishedAt: Date | null; channel: string; startedByName: string | null; disposed: number; held: number };
      log: Array<{ recordType: string; recordId: string; retentionClass: string; disposalDate: string; disposedWith: string | null; at: Date }>;
    };
    'governance/holds': { holds: HoldView[] };
    'governance/hold-new': { values: Record<string, unknown>; errors?: FieldErrors };
    'governance/hold': { hold: HoldView; values: Record<string, unknown>; conflict?: boolean; errors?: FieldErrors };
    'governance/access-log': {
      filter: ReportFilter;
      values: Record<string, unknown>;
      workers: Option[];
      subjectText: string | null;
      entries: LogEntry[];
      total: number;
      pagination: { pages: number; page: number; previous: string | null; next: string | null };
      exportQuery: string;
      errors?: FieldErrors;
    };
  }
}
