CREATE TABLE `document_series` (
	`shop_id` text NOT NULL,
	`series` text NOT NULL,
	`financial_year` text NOT NULL,
	`last_serial` integer NOT NULL,
	`last_number` text NOT NULL,
	PRIMARY KEY(`shop_id`, `series`, `financial_year`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "document_series_number_len" CHECK(length("document_series"."last_number") <= 16)
);
--> statement-breakpoint
CREATE TABLE `old_gold_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`sale_id` text,
	`purchase_id` text,
	`metal` text NOT NULL,
	`purity` integer NOT NULL,
	`gross_weight_mg` integer NOT NULL,
	`less_weight_mg` integer NOT NULL,
	`net_weight_mg` integer NOT NULL,
	`deduction_bp` integer NOT NULL,
	`rate_per_gram` integer NOT NULL,
	`rate_date` text,
	`rate_source` text NOT NULL,
	`value` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`purchase_id`) REFERENCES `old_gold_purchases`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "old_gold_lines_one_owner" CHECK(("old_gold_lines"."sale_id" IS NULL) <> ("old_gold_lines"."purchase_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `old_gold_lines_sale_idx` ON `old_gold_lines` (`sale_id`);--> statement-breakpoint
CREATE INDEX `old_gold_lines_purchase_idx` ON `old_gold_lines` (`purchase_id`);--> statement-breakpoint
CREATE INDEX `old_gold_lines_shop_metal_idx` ON `old_gold_lines` (`shop_id`,`metal`);--> statement-breakpoint
CREATE TABLE `old_gold_purchases` (
	`id` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`voucher_number` text NOT NULL,
	`financial_year` text NOT NULL,
	`voucher_serial` integer NOT NULL,
	`business_date` text NOT NULL,
	`customer_id` text,
	`seller` text NOT NULL,
	`buyer` text NOT NULL,
	`total` integer NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `old_gold_purchases_shop_number_uq` ON `old_gold_purchases` (`shop_id`,`voucher_number`);--> statement-breakpoint
CREATE INDEX `old_gold_purchases_shop_created_idx` ON `old_gold_purchases` (`shop_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `old_gold_purchases_shop_business_date_idx` ON `old_gold_purchases` (`shop_id`,`business_date`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`sale_id` text,
	`purchase_id` text,
	`customer_id` text,
	`method` text NOT NULL,
	`amount` integer NOT NULL,
	`business_date` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`purchase_id`) REFERENCES `old_gold_purchases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_amount_positive" CHECK("payments"."amount" > 0),
	CONSTRAINT "payments_one_owner" CHECK(("payments"."sale_id" IS NULL) <> ("payments"."purchase_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `payments_sale_idx` ON `payments` (`sale_id`);--> statement-breakpoint
CREATE INDEX `payments_purchase_idx` ON `payments` (`purchase_id`);--> statement-breakpoint
CREATE INDEX `payments_shop_date_idx` ON `payments` (`shop_id`,`business_date`);--> statement-breakpoint
CREATE INDEX `payments_shop_customer_date_idx` ON `payments` (`shop_id`,`customer_id`,`business_date`);--> statement-breakpoint
ALTER TABLE `sale_items` ADD `piece_id` text REFERENCES pieces(id);--> statement-breakpoint
ALTER TABLE `sale_items` ADD `description` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `hsn_code` text;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `huid` text;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `metal` text;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `purity` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `gross_weight_mg` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `net_weight_mg` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `stone_weight_mg` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `rate_per_gram` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `rate_date` text;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `rate_source` text;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `metal_value` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `wastage` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `making` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `stones` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `stone_lines` text;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `other_charge` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `gross` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `discount` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `taxable` integer;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `gst_rate_bp` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `cgst` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `sgst` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_items` ADD `igst` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `sale_items_piece_idx` ON `sale_items` (`piece_id`);--> statement-breakpoint
ALTER TABLE `sales` ADD `document_type` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `invoice_number` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `financial_year` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `invoice_serial` integer;--> statement-breakpoint
-- Hand-edited: a NOT NULL column needs a value for existing rows; the UPDATE below sets the real one.
ALTER TABLE `sales` ADD `business_date` text NOT NULL DEFAULT '';--> statement-breakpoint
ALTER TABLE `sales` ADD `place_of_supply` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `taxable` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `cgst` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `sgst` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `igst` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `round_off` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `exchange_total` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `seller` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `buyer` text;--> statement-breakpoint
CREATE INDEX `sales_shop_business_date_idx` ON `sales` (`shop_id`,`business_date`);--> statement-breakpoint
CREATE UNIQUE INDEX `sales_shop_invoice_number_uq` ON `sales` (`shop_id`,`invoice_number`) WHERE "sales"."invoice_number" IS NOT NULL;--> statement-breakpoint
-- Sales recorded before this version, migrated with what is known (issue 13 item 5): their day is
-- their UTC date (what v1 reported), their taxable value their total (v1 charged no tax), and they
-- keep no invoice number (none was issued then). Each had one tender of its whole total.
UPDATE `sales` SET `business_date` = substr(`created_at`, 1, 10), `taxable` = `total`;--> statement-breakpoint
UPDATE `sale_items` SET
	`gross` = `line_total`,
	`description` = coalesce((SELECT `name` FROM `products` WHERE `products`.`id` = `sale_items`.`product_id`), ''),
	`metal` = (SELECT `metal` FROM `products` WHERE `products`.`id` = `sale_items`.`product_id`),
	`purity` = (SELECT `purity` FROM `products` WHERE `products`.`id` = `sale_items`.`product_id`),
	`hsn_code` = (SELECT coalesce(`hsn_code`, CASE `category` WHEN 'coin' THEN '7118' ELSE '7113' END)
		FROM `products` WHERE `products`.`id` = `sale_items`.`product_id`);--> statement-breakpoint
INSERT INTO `payments` (`id`, `shop_id`, `sale_id`, `customer_id`, `method`, `amount`, `business_date`, `created_at`)
	SELECT lower(hex(randomblob(16))), `shop_id`, `id`, `customer_id`, `payment_method`, `total`, `business_date`, `created_at`
	FROM `sales` WHERE `total` > 0;
