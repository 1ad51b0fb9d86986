/** The models the organisation pages render. */
import type { FieldErrors } from '../platform/http/forms.ts';
import type { PasswordResetStatus, UserSummary } from './service.ts';

interface Option {
  value: string;
  text: string;
}

interface Choices {
  people: Option[];
  teams: Option[];
  services: Option[];
  roleOptions: Option[];
}

interface FormState {
  values: object;
  errors?: FieldErrors;
}

interface TeamRow {
  id: string;
  name: string;
  serviceName: string;
  managerName: string | null;
  memberCount: number;
  version: number;
}

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'org/teams': { teams: Array<TeamRow & { canOpen: boolean }> };
    'org/team': { team: { id: string; name: string; serviceName: string; managerName: string | null; members: UserSummary[] } };
    'org/admin': { counts: { services: number; teams: number; users: number } };
    'org/services': { services: Array<{ id: string; name: string; leadName: string | null; teamCount: number }> };
    'org/service-form': Choices & FormState & { serviceId?: string; conflict?: { name: string } };
    'org/admin-teams': { teams: TeamRow[] };
    'org/team-form': Choices & FormState & { teamId?: string; conflict?: { name: string } };
    'org/users': {
      users: Array<UserSummary & { roleLabels: string[] }>;
      filter: { teamId?: string | undefined; role?: string | undefined; status?: string | undefined };
      teams: Option[];
      roleOptions: Option[];
    };
    'org/user-password-reset': {
      user: { id: string; displayName: string };
      status: PasswordResetStatus;
      /** Only in the answer to the reset itself: the page is the one place the password is shown. */
      reset?: { temporaryPassword: string; expiresAt: Date };
    };
    'org/user': { user: UserSummary & { roleLabels: string[] }; isSelf: boolean };
    'org/user-form': Choices &
      FormState & {
        userId?: string;
        conflict?: { name: string; email: string; teamName: string | null; lineManagerName: string | null; roles: string };
      };
  }
}
