-- The insight pages keep their figures until the data changes, and check for change on every
-- request: these make the latest change to actions and to children an index lookup (issue 7).
CREATE INDEX IF NOT EXISTS "insight_actions_updated" ON "actions" USING btree ("organisation_id","updated_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "insight_children_updated" ON "children" USING btree ("organisation_id","updated_at");
