DROP INDEX `products_shop_active_name_idx`;--> statement-breakpoint
DROP INDEX `products_shop_active_price_idx`;--> statement-breakpoint
DROP INDEX `products_shop_active_created_idx`;--> statement-breakpoint
CREATE INDEX `products_shop_active_name_idx` ON `products` (`shop_id`,`active`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `products_shop_active_price_idx` ON `products` (`shop_id`,`active`,`base_price`,`id`);--> statement-breakpoint
CREATE INDEX `products_shop_active_created_idx` ON `products` (`shop_id`,`active`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `shops` ADD `catalog_version` integer DEFAULT 0 NOT NULL;