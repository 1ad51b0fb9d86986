/**
 * Which submitted audits go to moderation (stage 2). Seed 002 says "a sample group of these audits
 * will be moderated"; the issue sets the default: every inadequate audit, plus a random 25% of the
 * rest. The random part is drawn from a generator seeded by the council's seed and the audit's id,
 * so the same audit always gets the same draw and anyone can check why it was or was not chosen.
 */
import type { AuditTool } from '../../standards/schema.ts';
import { seededRandom } from '../programme/random.ts';

export interface ModerationShare {
  allInadequate: boolean;
  /** 0–100. */
  randomPercent: number;
  seed: string;
}

export const DEFAULT_SHARE = { allInadequate: true, randomPercent: 25 } as const;

export type SelectedBecause = 'inadequate' | 'random';

export interface ModerationDecision {
  selected: boolean;
  because: SelectedBecause | null;
  /** The audit's random draw, 0 ≤ draw < 100: selected at random when below the share. */
  draw: number;
}

/** The scale's worst grade (highest rank): "inadequate" on every tool in the catalogue. */
export function worstGrade(tool: Pick<AuditTool, 'scale'>): string {
  return tool.scale.grades.reduce((worst, g) => (g.rank > worst.rank ? g : worst)).id;
}

export function moderationDraw(seed: string, auditId: string): number {
  return seededRandom(`${seed}:${auditId}`)() * 100;
}

export function decideModeration(audit: { id: string; finalGrade: string | null }, worst: string, share: ModerationShare): ModerationDecision {
  const draw = moderationDraw(share.seed, audit.id);
  if (share.allInadequate && audit.finalGrade === worst) return { selected: true, because: 'inadequate', draw };
  if (draw < share.randomPercent) return { selected: true, because: 'random', draw };
  return { selected: false, because: null, draw };
}
