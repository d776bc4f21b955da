import type { ReadableDb, WritableDb } from './connection.ts';
import { prepare } from './statements.ts';

export interface ProductRow {
  sku: string;
  name: string;
  category: string;
  price_minor: number;
  active: 0 | 1;
}

export function productBySku(db: ReadableDb, sku: string): ProductRow | undefined {
  return prepare(db, 'SELECT sku, name, category, price_minor, active FROM products WHERE sku = ?').get(sku) as ProductRow | undefined;
}

export function productByBarcode(db: ReadableDb, barcode: string): ProductRow | undefined {
  return prepare(
    db,
    'SELECT p.sku, p.name, p.category, p.price_minor, p.active FROM product_barcodes b JOIN products p ON p.sku = b.sku WHERE b.barcode = ?',
  ).get(barcode) as ProductRow | undefined;
}

export function upsertProduct(
  db: WritableDb,
  p: { sku: string; name: string; category: string; priceMinor: number; barcodes: string[]; active?: boolean; now: number },
): void {
  prepare(
    db,
    `INSERT INTO products (sku, name, category, price_minor, active, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, price_minor = excluded.price_minor,
       active = excluded.active, updated_at = excluded.updated_at`,
  ).run(p.sku, p.name, p.category, p.priceMinor, p.active === false ? 0 : 1, p.now);
  const bind = prepare(
    db,
    'INSERT INTO product_barcodes (barcode, sku) VALUES (?, ?) ON CONFLICT (barcode) DO UPDATE SET sku = excluded.sku',
  );
  for (const barcode of p.barcodes) bind.run(barcode, p.sku);
}

export function productCategories(db: ReadableDb): string[] {
  return prepare(db, 'SELECT DISTINCT category FROM products WHERE active = 1 ORDER BY category').pluck().all() as string[];
}
