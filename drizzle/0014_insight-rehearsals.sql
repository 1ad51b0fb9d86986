CREATE TABLE "insight_rehearsals" (
	"round_id" uuid PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"programme_id" uuid NOT NULL,
	"case_types" jsonb NOT NULL,
	"sample_size" integer NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "insight_rehearsals" ADD CONSTRAINT "insight_rehearsals_round_id_audit_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."audit_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insight_rehearsals" ADD CONSTRAINT "insight_rehearsals_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insight_rehearsals" ADD CONSTRAINT "insight_rehearsals_programme_id_audit_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."audit_programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insight_rehearsals" ADD CONSTRAINT "insight_rehearsals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "insight_rehearsals_org" ON "insight_rehearsals" USING btree ("organisation_id","created_at");