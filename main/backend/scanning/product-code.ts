/**
 * Retail product barcodes: EAN-13, EAN-8, UPC-A, UPC-E and GTIN-14, each with
 * its GS1 check digit. Every code is normalised to a GTIN-14 and to the list
 * of strings the catalogue may have stored it under (product_barcodes holds
 * EAN-13, EAN-8 or UPC-A as printed), the scanned form first.
 */
import { hasValidCheckDigit } from './check-digit.ts';

export type RetailFormat = 'ean-13' | 'ean-8' | 'upc-a' | 'upc-e' | 'gtin-14';

export type ProductCodeRefusal = 'not-digits' | 'wrong-length' | 'bad-check-digit';

export type ParsedProductCode =
  { ok: true; format: RetailFormat; gtin: string; barcodes: string[] } | { ok: false; reason: ProductCodeRefusal; message: string };

const BAD_CHECK = 'The barcode did not read correctly (check digit). Scan it again.';

/**
 * `hint` settles the one real ambiguity: 8 digits can be EAN-8 or UPC-E. With
 * no hint and both check digits valid, EAN-8 is reported and the UPC-A
 * expansion is added to `barcodes`, so the lookup still finds either.
 */
export function parseProductCode(digits: string, hint?: 'ean-8' | 'upc-e'): ParsedProductCode {
  if (!/^\d+$/.test(digits)) return { ok: false, reason: 'not-digits', message: 'A product barcode has digits only.' };
  switch (digits.length) {
    case 8:
      return parseEightDigits(digits, hint);
    case 12:
      return product('upc-a', digits);
    case 13:
      return product('ean-13', digits);
    case 14:
      return product('gtin-14', digits);
    default:
      return { ok: false, reason: 'wrong-length', message: `A product barcode has 8, 12, 13 or 14 digits; this one has ${digits.length}.` };
  }
}

/** Catalogue spellings of a GTIN-14: the 13-, 12- and 8-digit forms its leading zeros allow, then the 14 digits themselves. */
export function catalogueBarcodes(gtin14: string, scanned?: string): string[] {
  const forms: string[] = [];
  if (scanned !== undefined) forms.push(scanned);
  if (gtin14.startsWith('0')) forms.push(gtin14.slice(1));
  if (gtin14.startsWith('00')) forms.push(gtin14.slice(2));
  if (gtin14.startsWith('000000')) forms.push(gtin14.slice(6));
  forms.push(gtin14);
  return [...new Set(forms)];
}

/**
 * UPC-E (number system 0 or 1, six digits, check digit) to its UPC-A, by the
 * sixth digit's zero-suppression rule. null for an impossible UPC-E.
 */
export function expandUpcE(upcE: string): string | null {
  if (!/^[01]\d{7}$/.test(upcE)) return null;
  const ns = upcE[0]!;
  const d = upcE.slice(1, 7);
  const check = upcE[7]!;
  const last = d[5]!;
  let body: string;
  if (last <= '2') body = `${d.slice(0, 2)}${last}0000${d.slice(2, 5)}`;
  else if (last === '3') body = `${d.slice(0, 3)}00000${d.slice(3, 5)}`;
  else if (last === '4') body = `${d.slice(0, 4)}00000${d[4]}`;
  else body = `${d.slice(0, 5)}0000${last}`;
  return ns + body + check;
}

function parseEightDigits(digits: string, hint: 'ean-8' | 'upc-e' | undefined): ParsedProductCode {
  const asEan8 = hint !== 'upc-e' && hasValidCheckDigit(digits, 'gs1');
  const upcA = hint === 'ean-8' ? null : expandUpcE(digits);
  const asUpcE = upcA !== null && hasValidCheckDigit(upcA, 'gs1');
  if (asEan8) {
    const found = product('ean-8', digits);
    if (found.ok && asUpcE) found.barcodes.push(...catalogueBarcodes(pad14(upcA)).filter((b) => !found.barcodes.includes(b)));
    return found;
  }
  if (asUpcE)
    return {
      ok: true,
      format: 'upc-e',
      gtin: pad14(upcA),
      barcodes: [upcA, ...catalogueBarcodes(pad14(upcA)).filter((b) => b !== upcA), digits],
    };
  return { ok: false, reason: 'bad-check-digit', message: BAD_CHECK };
}

function product(format: RetailFormat, digits: string): ParsedProductCode {
  if (!hasValidCheckDigit(digits, 'gs1')) return { ok: false, reason: 'bad-check-digit', message: BAD_CHECK };
  const gtin = pad14(digits);
  return { ok: true, format, gtin, barcodes: catalogueBarcodes(gtin, digits) };
}

function pad14(digits: string): string {
  return digits.padStart(14, '0');
}
