DROP INDEX `metal_rates_shop_metal_purity_date_uq`;--> statement-breakpoint
ALTER TABLE `metal_rates` ADD `kind` text DEFAULT 'sell' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `metal_rates_shop_metal_purity_kind_date_uq` ON `metal_rates` (`shop_id`,`metal`,`purity`,`kind`,`effective_date`);--> statement-breakpoint
ALTER TABLE `products` ADD `pricing_mode` text DEFAULT 'fixed' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `wastage_bp` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `making_charge_type` text DEFAULT 'percent' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `making_charge_paise` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `stones` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `other_charge_paise` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `hsn_code` text;--> statement-breakpoint
ALTER TABLE `products` ADD `gst_rate_bp` integer;