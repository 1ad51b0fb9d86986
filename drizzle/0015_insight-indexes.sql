-- Indexes the insight pages need on tables other domains own (issue 7). Family feedback is looked
-- up by audit on every dashboard that counts feedback sought; without this index each lookup
-- scans the whole table. Audits are counted by the month they were submitted.
CREATE INDEX IF NOT EXISTS "insight_family_feedback_audit" ON "audit_family_feedback" USING btree ("audit_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "insight_audits_submitted" ON "audits" USING btree ("organisation_id","submitted_at");
