CREATE TABLE "catalogue_entries" (
	"organisation_id" uuid NOT NULL,
	"catalogue_id" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"current_version" integer,
	"retired_at" timestamp with time zone,
	"revision" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "catalogue_entries_organisation_id_catalogue_id_pk" PRIMARY KEY("organisation_id","catalogue_id")
);
--> statement-breakpoint
CREATE TABLE "catalogue_versions" (
	"organisation_id" uuid NOT NULL,
	"catalogue_id" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"content" jsonb NOT NULL,
	"source_yaml" text NOT NULL,
	"origin" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" uuid,
	"published_at" timestamp with time zone,
	CONSTRAINT "catalogue_versions_organisation_id_catalogue_id_version_pk" PRIMARY KEY("organisation_id","catalogue_id","version")
);
--> statement-breakpoint
ALTER TABLE "catalogue_entries" ADD CONSTRAINT "catalogue_entries_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalogue_versions" ADD CONSTRAINT "catalogue_versions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalogue_versions_status" ON "catalogue_versions" USING btree ("organisation_id","status");