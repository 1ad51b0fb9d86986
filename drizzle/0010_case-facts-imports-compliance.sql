CREATE TABLE "case_facts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"fact_key" text NOT NULL,
	"event_date" date,
	"end_date" date,
	"fact" jsonb NOT NULL,
	"source_format" text NOT NULL,
	"source_file" text NOT NULL,
	"source_sheet" text,
	"source_row" integer,
	"import_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_import_problems" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"file" text NOT NULL,
	"sheet" text,
	"row" integer,
	"column" text,
	"severity" text NOT NULL,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"imported_by" uuid,
	"channel" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stage" text DEFAULT 'queued' NOT NULL,
	"files" jsonb NOT NULL,
	"formats" text[] DEFAULT '{}'::text[] NOT NULL,
	"files_read" integer DEFAULT 0 NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"children_read" integer DEFAULT 0 NOT NULL,
	"facts_read" integer DEFAULT 0 NOT NULL,
	"facts_written" integer DEFAULT 0 NOT NULL,
	"facts_inserted" integer DEFAULT 0 NOT NULL,
	"facts_updated" integer DEFAULT 0 NOT NULL,
	"facts_unchanged" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"warning_count" integer DEFAULT 0 NOT NULL,
	"unmatched" jsonb,
	"failure" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "compliance_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"status" text NOT NULL,
	"anchor_date" date NOT NULL,
	"due_date" date NOT NULL,
	"actual_date" date,
	"as_of" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"trigger" text NOT NULL,
	"import_id" uuid,
	"measures" jsonb NOT NULL,
	"measures_not_evaluated" jsonb NOT NULL,
	"indicators" jsonb NOT NULL,
	"item_count" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "children" ADD COLUMN "extract_team" text;--> statement-breakpoint
ALTER TABLE "children" ADD COLUMN "extract_worker" text;--> statement-breakpoint
ALTER TABLE "case_facts" ADD CONSTRAINT "case_facts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_facts" ADD CONSTRAINT "case_facts_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_facts" ADD CONSTRAINT "case_facts_import_id_case_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."case_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_import_problems" ADD CONSTRAINT "case_import_problems_import_id_case_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."case_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_imports" ADD CONSTRAINT "case_imports_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_imports" ADD CONSTRAINT "case_imports_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_items" ADD CONSTRAINT "compliance_items_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_items" ADD CONSTRAINT "compliance_items_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_runs" ADD CONSTRAINT "compliance_runs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "case_facts_natural_key" ON "case_facts" USING btree ("child_id","kind","fact_key");--> statement-breakpoint
CREATE INDEX "case_facts_org" ON "case_facts" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "case_import_problems_import" ON "case_import_problems" USING btree ("import_id","position");--> statement-breakpoint
CREATE INDEX "case_imports_org" ON "case_imports" USING btree ("organisation_id","started_at");--> statement-breakpoint
CREATE INDEX "compliance_items_org_due" ON "compliance_items" USING btree ("organisation_id","due_date");--> statement-breakpoint
CREATE INDEX "compliance_items_child" ON "compliance_items" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "compliance_runs_org" ON "compliance_runs" USING btree ("organisation_id","computed_at");