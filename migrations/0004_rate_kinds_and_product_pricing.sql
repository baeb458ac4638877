DROP INDEX `metal_rates_shop_metal_purity_date_uq`;--> statement-breakpoint
ALTER TABLE `metal_rates` ADD `kind` text DEFAULT 'sell' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `metal_rates_shop_metal_purity_kind_date_uq` ON `metal_rates` (`shop_id`,`metal`,`purity`,`kind`,`effective_date`);