/**
 * The whole demo: the council first, then each domain's demo records in dependency order.
 * Each domain adds one line here and one file beside this one.
 */
import type { Db } from '../platform/db/client.ts';
import { loadDemoCouncil, type DemoCouncil } from './northbridge.ts';
import { loadDemoCases } from './cases.ts';
import { loadDemoAudits } from './audits.ts';
import { loadDemoProgramme } from './programme.ts';
import { loadDemoActions } from './actions.ts';
import { loadDemoInsights } from './insights.ts';
import { loadDemoRestrictedRecord } from './restricted.ts';

export async function loadDemo(db: Db, password: string): Promise<DemoCouncil> {
  const council = await loadDemoCouncil(db, password);
  await loadDemoCases(db, council);
  await loadDemoAudits(db, council);
  await loadDemoProgramme(db, council);
  await loadDemoActions(db, council);
  await loadDemoInsights(db, council);
  await loadDemoRestrictedRecord(db, council);
  return council;
}
