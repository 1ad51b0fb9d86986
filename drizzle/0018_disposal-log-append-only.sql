-- The disposal log is evidence that records were disposed of, as the access log is evidence of
-- who saw them: once written, no one (not even the application) may change it.
CREATE OR REPLACE FUNCTION disposal_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'disposal_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER disposal_log_no_update_or_delete BEFORE UPDATE OR DELETE ON disposal_log
  FOR EACH ROW EXECUTE FUNCTION disposal_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER disposal_log_no_truncate BEFORE TRUNCATE ON disposal_log
  FOR EACH STATEMENT EXECUTE FUNCTION disposal_log_refuse_change();
--> statement-breakpoint
-- Safeguarding records stay append-only with one deliberate exception: disposal at the end of
-- the retention period. A delete is let through only inside a transaction that has named its
-- disposal run (set_config('sightline.disposal_run', …, true)) AND has already written that
-- run's disposal-log row for the audit the alert belongs to. Nothing else can clear an alert.
CREATE OR REPLACE FUNCTION safeguarding_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  disposal_run text := coalesce(current_setting('sightline.disposal_run', true), '');
  alert_audit uuid;
BEGIN
  IF TG_OP = 'DELETE' AND disposal_run <> '' THEN
    IF TG_TABLE_NAME = 'safeguarding_alerts' THEN
      alert_audit := OLD.audit_id;
    ELSE
      SELECT a.audit_id INTO alert_audit FROM safeguarding_alerts a WHERE a.id = OLD.alert_id;
    END IF;
    IF EXISTS (SELECT 1 FROM disposal_log l WHERE l.run_id::text = disposal_run AND l.record_type = 'audit' AND l.record_id = alert_audit::text) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'safeguarding records cannot be changed or removed: % on % is not allowed', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
