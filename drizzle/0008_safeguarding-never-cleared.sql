-- A safeguarding concern can never be silently cleared: not by a bug, not by a direct update.
-- Alerts and notes are append-only; an acknowledgement, once given, stands; and an audit's
-- safeguarding flag cannot go from raised back to not raised.
CREATE OR REPLACE FUNCTION safeguarding_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'safeguarding records cannot be changed or removed: % on % is not allowed', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER safeguarding_alerts_append_only BEFORE UPDATE OR DELETE ON safeguarding_alerts
  FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_change();
--> statement-breakpoint
CREATE TRIGGER safeguarding_alert_notes_append_only BEFORE UPDATE OR DELETE ON safeguarding_alert_notes
  FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_change();
--> statement-breakpoint
CREATE TRIGGER safeguarding_recipients_no_delete BEFORE DELETE ON safeguarding_alert_recipients
  FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION safeguarding_acknowledgement_stands() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.acknowledged_at IS NOT NULL OR NEW.alert_id <> OLD.alert_id OR NEW.user_id <> OLD.user_id THEN
    RAISE EXCEPTION 'a safeguarding acknowledgement cannot be changed once given' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.acknowledged_at IS NULL OR coalesce(btrim(NEW.acknowledgement), '') = '' THEN
    RAISE EXCEPTION 'a safeguarding acknowledgement needs a time and a note' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER safeguarding_recipients_acknowledge_once BEFORE UPDATE ON safeguarding_alert_recipients
  FOR EACH ROW EXECUTE FUNCTION safeguarding_acknowledgement_stands();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audits_safeguarding_flag_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.safeguarding_concern AND NOT NEW.safeguarding_concern THEN
    RAISE EXCEPTION 'an audit''s safeguarding concern cannot be unset once raised' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audits_safeguarding_flag_stays BEFORE UPDATE OF safeguarding_concern ON audits
  FOR EACH ROW EXECUTE FUNCTION audits_safeguarding_flag_stays();
