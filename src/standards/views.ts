/** The models the catalogue pages render. */
import type { FieldErrors } from '../platform/http/forms.ts';
import type { CatalogueView } from './present.ts';
import type { CatalogueListing, DiffLine, StoredVersion } from './versions/service.ts';

interface EntryModel {
  catalogueId: string;
  kind: string;
  title: string;
  currentVersion: number | null;
  retired: boolean;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'standards/list': { groups: Array<{ kind: string; label: string; entries: CatalogueListing[] }>; canManage: boolean };
    'standards/file': { entry: EntryModel; stored: StoredVersion; view: CatalogueView; isCurrent: boolean };
    'standards/print': { entry: EntryModel; stored: StoredVersion; view: CatalogueView; isCurrent: boolean };
    'standards/versions': { entry: { catalogueId: string; title: string; currentVersion: number | null }; versions: StoredVersion[] };
    'standards/upload': { errors?: FieldErrors; yaml?: string | undefined };
    'standards/draft': { draft: StoredVersion; current: StoredVersion | undefined; revision: number; lines: DiffLine[]; view: CatalogueView; conflict?: boolean };
  }
}
