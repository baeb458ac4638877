ALTER TABLE `customers` ADD `pan` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `form60_ref` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `gstin` text;--> statement-breakpoint
ALTER TABLE `khata_entries` ADD `method` text;--> statement-breakpoint
ALTER TABLE `shops` ADD `legal_name` text;--> statement-breakpoint
ALTER TABLE `shops` ADD `gstin` text;--> statement-breakpoint
ALTER TABLE `shops` ADD `gst_scheme` text DEFAULT 'regular' NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `address` text;--> statement-breakpoint
ALTER TABLE `shops` ADD `state_code` text;--> statement-breakpoint
ALTER TABLE `shops` ADD `timezone` text DEFAULT 'Asia/Kolkata' NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `invoice_prefix` text DEFAULT 'INV' NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `invoice_prefix_locked_until` text;--> statement-breakpoint
ALTER TABLE `shops` ADD `gst_rate_bp` integer DEFAULT 300 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `round_off` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `huid_required` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `cash_limit_paise` integer DEFAULT 20000000 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `cash_payout_limit_paise` integer DEFAULT 1000000 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `pan_threshold_paise` integer DEFAULT 20000000 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `buyer_details_threshold_paise` integer DEFAULT 5000000 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `usd_inr_paise` integer DEFAULT 8400 NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `stone_markup_bp` integer DEFAULT 0 NOT NULL;