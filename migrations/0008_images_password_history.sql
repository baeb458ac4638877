CREATE TABLE `password_history` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `password_history_user_created_idx` ON `password_history` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `product_images` (
	`id` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sha256` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "product_images_size" CHECK("product_images"."width" > 0 AND "product_images"."height" > 0 AND "product_images"."bytes" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `product_images_product_sha_uq` ON `product_images` (`product_id`,`sha256`);--> statement-breakpoint
CREATE INDEX `product_images_product_created_idx` ON `product_images` (`product_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `product_images_shop_sha_idx` ON `product_images` (`shop_id`,`sha256`);