CREATE TABLE `pieces` (
	`id` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`product_id` text NOT NULL,
	`tag` text NOT NULL,
	`huid` text,
	`huid_exempt` text,
	`purity` integer,
	`gross_weight_mg` integer NOT NULL,
	`net_weight_mg` integer NOT NULL,
	`stone_weight_mg` integer DEFAULT 0 NOT NULL,
	`stones` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'in_stock' NOT NULL,
	`sale_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "pieces_weights" CHECK("pieces"."net_weight_mg" <= "pieces"."gross_weight_mg" AND "pieces"."stone_weight_mg" <= "pieces"."gross_weight_mg")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pieces_shop_tag_uq` ON `pieces` (`shop_id`,`tag`);--> statement-breakpoint
CREATE UNIQUE INDEX `pieces_shop_huid_uq` ON `pieces` (`shop_id`,`huid`) WHERE "pieces"."huid" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `pieces_shop_product_status_idx` ON `pieces` (`shop_id`,`product_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `pieces_shop_created_idx` ON `pieces` (`shop_id`,`created_at`,`id`);