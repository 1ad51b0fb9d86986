/**
 * How an audit tool forms its overall judgement. Placeholder shape: the standards work replaces
 * this with the full rule language and its evaluator.
 */
import { z } from 'zod';

export const JudgementRuleSchema = z.object({
  type: z.literal('professional'),
  description: z.string().min(1),
});
export type JudgementRule = z.infer<typeof JudgementRuleSchema>;
