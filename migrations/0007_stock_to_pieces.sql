-- Issue 14 item 3: a shop that upgrades keeps selling. From this version a product with pieces is
-- sold by piece (a count line for it is 422 SELL_BY_PIECE) and reports its in-stock pieces as its
-- stock, so each active weight-priced product's stock count becomes that many tagged pieces.
--
-- Which products: pricing_mode 'weight' (priced from its own weights, which a piece now carries;
-- fixed-price products stay sold by count), active (pieces are added to active products only, as
-- the API does; a retired product keeps its count and is sold by count if it is ever reactivated),
-- stock > 0, and no pieces yet: a product that already has pieces was tagged by hand (0005 onwards)
-- and is already sold by piece; adding its count as more pieces would count its units twice.
--
-- Each piece carries the product's gross, net and stone weights and its stones; purity NULL (the
-- product's, as a piece created without one); no HUID (the old records have none: a gold piece
-- gets one with PATCH /pieces/:id before a sale while huid_required, or an exemption); in stock.
--
-- Tags: 'MG' (migrated) and a number of at least six digits counted per shop, in the order the
-- products were created: uppercase alphanumerics, 8 characters like generateTag()'s, printable as
-- Code 39 and Code 128. Numbered rather than drawn at random so they are unique by construction,
-- not by luck: the count starts after the highest number of any tag already in the shop that is
-- 'MG' and digits only (typed by hand since 0005), so no new tag can equal an old one. Were one to
-- anyway, the (shop_id, tag) unique index refuses it and the migration fails whole, changing
-- nothing. A guessable tag gives nothing away: reading a piece by tag needs a signed-in user.
--
-- The converted products' own stock becomes 0: their units are now their pieces, and a count left
-- beside them would be counted again by anything that reads the column — above all the previous
-- Worker version still serving between `wrangler d1 migrations apply` and `wrangler deploy`, which
-- sells by count: with the count kept it would sell units whose pieces stay in stock (sold twice);
-- with 0 it refuses them (409 INSUFFICIENT_STOCK) for those minutes.
--
-- The products to convert, kept for the length of this migration: after the pieces are inserted
-- "has no pieces" no longer tells them apart from the ones tagged by hand.
CREATE TABLE `_stock_to_pieces` (
	`product_id` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`stock` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `_stock_to_pieces` (`product_id`, `shop_id`, `stock`)
	SELECT `id`, `shop_id`, `stock` FROM `products`
	WHERE `pricing_mode` = 'weight' AND `active` = 1 AND `stock` > 0
		AND NOT EXISTS (SELECT 1 FROM `pieces`
			WHERE `pieces`.`shop_id` = `products`.`shop_id` AND `pieces`.`product_id` = `products`.`id`);
--> statement-breakpoint
-- One row per unit of stock (`unit` counts 1..stock per product), numbered per shop for the tag
-- after the shop's highest 'MG'-and-digits tag (`taken`; at most 15 digits, so it is an integer).
WITH RECURSIVE `unit` (`product_id`, `n`) AS (
	SELECT `product_id`, 1 FROM `_stock_to_pieces`
	UNION ALL
	SELECT `unit`.`product_id`, `unit`.`n` + 1 FROM `unit`
		JOIN `_stock_to_pieces` ON `_stock_to_pieces`.`product_id` = `unit`.`product_id`
		WHERE `unit`.`n` < `_stock_to_pieces`.`stock`
),
`taken` (`shop_id`, `last`) AS (
	SELECT `shop_id`, max(CAST(substr(`tag`, 3) AS INTEGER)) FROM `pieces`
	WHERE `tag` GLOB 'MG[0-9]*' AND NOT substr(`tag`, 3) GLOB '*[^0-9]*' AND length(`tag`) <= 17
	GROUP BY `shop_id`
)
INSERT INTO `pieces` (`id`, `shop_id`, `product_id`, `tag`, `huid`, `huid_exempt`, `purity`, `gross_weight_mg`,
		`net_weight_mg`, `stone_weight_mg`, `stones`, `status`, `sale_id`, `created_at`, `updated_at`)
	SELECT
		-- A random (version 4) UUID, the shape of every other id.
		lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
			|| '-' || substr('89ab', 1 + abs(random() % 4), 1) || substr(lower(hex(randomblob(2))), 2)
			|| '-' || lower(hex(randomblob(6))),
		`products`.`shop_id`, `products`.`id`,
		'MG' || printf('%06d', coalesce(`taken`.`last`, 0) + row_number() OVER (PARTITION BY `products`.`shop_id`
			ORDER BY `products`.`created_at`, `products`.`id`, `unit`.`n`)),
		NULL, NULL, NULL, `products`.`gross_weight_mg`, `products`.`net_weight_mg`, `products`.`stone_weight_mg`,
		`products`.`stones`, 'in_stock', NULL,
		strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
	FROM `unit` JOIN `products` ON `products`.`id` = `unit`.`product_id`
		LEFT JOIN `taken` ON `taken`.`shop_id` = `products`.`shop_id`;
--> statement-breakpoint
UPDATE `products` SET `stock` = 0, `updated_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
	WHERE `id` IN (SELECT `product_id` FROM `_stock_to_pieces`);
--> statement-breakpoint
DROP TABLE `_stock_to_pieces`;
