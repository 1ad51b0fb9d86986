CREATE TABLE "safeguarding_alert_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"alert_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"note" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "safeguarding_alert_notes" ADD CONSTRAINT "safeguarding_alert_notes_alert_id_safeguarding_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."safeguarding_alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safeguarding_alert_notes" ADD CONSTRAINT "safeguarding_alert_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "safeguarding_alert_notes_alert" ON "safeguarding_alert_notes" USING btree ("alert_id","at");