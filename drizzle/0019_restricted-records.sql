CREATE TABLE "break_glass_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "child_restrictions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"restricted_by" uuid,
	"restricted_at" timestamp with time zone NOT NULL,
	"lifted_by" uuid,
	"lifted_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "restriction_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"restriction_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"granted_by" uuid,
	"granted_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"removed_by" uuid,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "audit_invitations" ADD COLUMN "share_child_details" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "break_glass_views" ADD CONSTRAINT "break_glass_views_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_views" ADD CONSTRAINT "break_glass_views_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_views" ADD CONSTRAINT "break_glass_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_restrictions" ADD CONSTRAINT "child_restrictions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_restrictions" ADD CONSTRAINT "child_restrictions_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_restrictions" ADD CONSTRAINT "child_restrictions_restricted_by_users_id_fk" FOREIGN KEY ("restricted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_restrictions" ADD CONSTRAINT "child_restrictions_lifted_by_users_id_fk" FOREIGN KEY ("lifted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restriction_grants" ADD CONSTRAINT "restriction_grants_restriction_id_child_restrictions_id_fk" FOREIGN KEY ("restriction_id") REFERENCES "public"."child_restrictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restriction_grants" ADD CONSTRAINT "restriction_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restriction_grants" ADD CONSTRAINT "restriction_grants_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restriction_grants" ADD CONSTRAINT "restriction_grants_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "break_glass_views_child_user" ON "break_glass_views" USING btree ("child_id","user_id");--> statement-breakpoint
CREATE INDEX "break_glass_views_org" ON "break_glass_views" USING btree ("organisation_id","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "child_restrictions_current" ON "child_restrictions" USING btree ("child_id") WHERE lifted_at is null;--> statement-breakpoint
CREATE INDEX "child_restrictions_org" ON "child_restrictions" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "restriction_grants_restriction" ON "restriction_grants" USING btree ("restriction_id");--> statement-breakpoint
CREATE INDEX "restriction_grants_user" ON "restriction_grants" USING btree ("user_id");