CREATE TABLE "audit_dispute_chains" (
	"organisation_id" uuid PRIMARY KEY NOT NULL,
	"chain" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_dispute_routes" (
	"dispute_id" uuid PRIMARY KEY NOT NULL,
	"chain" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_moderation_settings" (
	"organisation_id" uuid PRIMARY KEY NOT NULL,
	"all_inadequate" boolean NOT NULL,
	"random_percent" integer NOT NULL,
	"seed" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_programme_plans" (
	"programme_id" uuid PRIMARY KEY NOT NULL,
	"auditor_ids" jsonb NOT NULL,
	"case_types" jsonb NOT NULL,
	"sample_size" integer NOT NULL,
	"exclusion_months" integer DEFAULT 12 NOT NULL,
	"due_in_working_days" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_round_allocations" (
	"round_id" uuid PRIMARY KEY NOT NULL,
	"allocated_by" uuid NOT NULL,
	"allocated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"not_allocated" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_dispute_chains" ADD CONSTRAINT "audit_dispute_chains_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_dispute_routes" ADD CONSTRAINT "audit_dispute_routes_dispute_id_audit_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."audit_disputes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_moderation_settings" ADD CONSTRAINT "audit_moderation_settings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_programme_plans" ADD CONSTRAINT "audit_programme_plans_programme_id_audit_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."audit_programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_round_allocations" ADD CONSTRAINT "audit_round_allocations_round_id_audit_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."audit_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_round_allocations" ADD CONSTRAINT "audit_round_allocations_allocated_by_users_id_fk" FOREIGN KEY ("allocated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;