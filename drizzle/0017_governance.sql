CREATE TABLE "disposal_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" text NOT NULL,
	"retention_class" text NOT NULL,
	"disposal_date" date NOT NULL,
	"disposed_with" text,
	"disposed_by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disposal_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"started_by" uuid,
	"channel" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"disposed" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "legal_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"placed_by" uuid NOT NULL,
	"placed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lifted_by" uuid,
	"lifted_at" timestamp with time zone,
	"lift_reason" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subject_access_bundles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"produced_by" uuid NOT NULL,
	"produced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sha256" text NOT NULL,
	"bytes" integer NOT NULL,
	"counts" jsonb NOT NULL,
	"redactions" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subject_access_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"number" integer GENERATED ALWAYS AS IDENTITY (sequence name "subject_access_requests_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"requester" text NOT NULL,
	"received_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disposal_log" ADD CONSTRAINT "disposal_log_run_id_disposal_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."disposal_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposal_runs" ADD CONSTRAINT "disposal_runs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposal_runs" ADD CONSTRAINT "disposal_runs_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_placed_by_users_id_fk" FOREIGN KEY ("placed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_lifted_by_users_id_fk" FOREIGN KEY ("lifted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_access_bundles" ADD CONSTRAINT "subject_access_bundles_request_id_subject_access_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."subject_access_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_access_bundles" ADD CONSTRAINT "subject_access_bundles_produced_by_users_id_fk" FOREIGN KEY ("produced_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_access_requests" ADD CONSTRAINT "subject_access_requests_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_access_requests" ADD CONSTRAINT "subject_access_requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disposal_log_run" ON "disposal_log" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "disposal_log_record" ON "disposal_log" USING btree ("record_type","record_id");--> statement-breakpoint
CREATE INDEX "disposal_runs_org" ON "disposal_runs" USING btree ("organisation_id","started_at");--> statement-breakpoint
CREATE INDEX "legal_holds_record" ON "legal_holds" USING btree ("record_type","record_id");--> statement-breakpoint
CREATE INDEX "subject_access_bundles_request" ON "subject_access_bundles" USING btree ("request_id","produced_at");--> statement-breakpoint
CREATE INDEX "subject_access_requests_org" ON "subject_access_requests" USING btree ("organisation_id","created_at");