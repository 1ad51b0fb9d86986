/**
 * Periods of care from SSDA903 episodes. A period starts at an episode whose reason for new
 * episode (RNE) is `S` and runs until an episode ends with a reason other than `X1` ("episode
 * ceases, and new episode begins on same day"). SSDA903 guidance, and the DfE looked-after
 * statistics, read the return this way.
 *
 * Real extracts are untidy, so three further choices, each the least surprising one:
 * - an episode that follows a closed period starts a new one, whatever its RNE (or with none:
 *   formats other than SSDA903 give one episode per period and no RNE);
 * - an `S` episode while a period is still open closes that period when its last episode ended,
 *   or else the day the new one starts;
 * - an episode that ended with no reason recorded ends the period unless the next episode starts
 *   on the same day (the X1 pattern).
 */
import type { IsoDate } from '../platform/calendar/iso-date.ts';
import type { EpisodeRecord } from './case-index.ts';

export interface PeriodOfCare {
  startDate: IsoDate;
  /** Undefined while the child is still looked after (as things stood on the as-of date). */
  endDate?: IsoDate;
  episodes: EpisodeRecord[];
}

/**
 * The periods of care as they stood on `asOf`: episodes starting later are ignored, and an episode
 * ending after `asOf` is treated as still open. Episodes must be sorted by start date.
 */
export function periodsOfCare(episodes: readonly EpisodeRecord[], asOf: IsoDate): PeriodOfCare[] {
  const periods: PeriodOfCare[] = [];
  let current: PeriodOfCare | undefined;
  const known = episodes.filter((e) => e.startDate <= asOf);
  known.forEach((raw, i) => {
    const episode: EpisodeRecord = raw.endDate !== undefined && raw.endDate > asOf ? { ...raw, endDate: undefined, reasonEnded: undefined } : raw;
    const startsPeriod = current === undefined || current.endDate !== undefined || episode.rne === 'S';
    if (startsPeriod) {
      if (current && current.endDate === undefined) current.endDate = current.episodes.at(-1)?.endDate ?? episode.startDate;
      current = { startDate: episode.startDate, episodes: [] };
      periods.push(current);
    }
    current!.episodes.push(episode);
    if (episode.endDate === undefined) return;
    const next = known[i + 1];
    const continues = episode.reasonEnded === 'X1' || (episode.reasonEnded === undefined && next?.startDate === episode.endDate);
    if (!continues) current!.endDate = episode.endDate;
  });
  return periods;
}

/** The period open on `date` (started on or before it, not yet ended on it). */
export function periodOpenOn(periods: readonly PeriodOfCare[], date: IsoDate): PeriodOfCare | undefined {
  for (let i = periods.length - 1; i >= 0; i--) {
    const p = periods[i]!;
    if (p.startDate <= date && (p.endDate === undefined || p.endDate > date)) return p;
  }
  return undefined;
}
