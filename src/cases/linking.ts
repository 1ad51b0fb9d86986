/**
 * Linking the team and worker an extract names to the council's teams and people in Sightline,
 * by name (ignoring case, spacing and Unicode presentation differences) and nothing else. A name
 * that matches nobody, or more than one person, is recorded as unmatched rather than guessed.
 */

export interface Directory {
  teams: readonly { id: string; name: string }[];
  people: readonly { id: string; name: string }[];
}

export interface Unmatched {
  kind: 'team' | 'worker';
  name: string;
  /** How many children of the import carry this name. */
  children: number;
  reason: 'unknown' | 'ambiguous';
}

export interface Link {
  teamId: string | null;
  workerId: string | null;
}

/** "Family  Support Team\u00a0North" and "family support team north" are the same name. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

function lookup(entries: readonly { id: string; name: string }[]): Map<string, string | 'ambiguous'> {
  const byName = new Map<string, string | 'ambiguous'>();
  for (const { id, name } of entries) {
    const key = nameKey(name);
    byName.set(key, byName.has(key) ? 'ambiguous' : id);
  }
  return byName;
}

export class NameLinker {
  private readonly teams: Map<string, string | 'ambiguous'>;
  private readonly people: Map<string, string | 'ambiguous'>;
  private readonly misses = new Map<string, Unmatched>();

  constructor(directory: Directory) {
    this.teams = lookup(directory.teams);
    this.people = lookup(directory.people);
  }

  link(team: string | undefined, worker: string | undefined): Link {
    return { teamId: this.resolve('team', this.teams, team), workerId: this.resolve('worker', this.people, worker) };
  }

  private resolve(kind: Unmatched['kind'], names: Map<string, string | 'ambiguous'>, name: string | undefined): string | null {
    if (name === undefined || nameKey(name) === '') return null;
    const found = names.get(nameKey(name));
    if (found !== undefined && found !== 'ambiguous') return found;
    const key = `${kind}:${nameKey(name)}`;
    const miss = this.misses.get(key);
    if (miss) miss.children++;
    else this.misses.set(key, { kind, name: name.trim(), children: 1, reason: found === 'ambiguous' ? 'ambiguous' : 'unknown' });
    return null;
  }

  /** Names that linked to nobody, teams first, most children first. */
  unmatched(): Unmatched[] {
    return [...this.misses.values()].sort((a, b) => (a.kind === b.kind ? b.children - a.children || a.name.localeCompare(b.name) : a.kind === 'team' ? -1 : 1));
  }
}
