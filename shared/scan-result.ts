/**
 * What a scan meant, as decided by main/backend/scanning/parse-scan.ts. Crosses
 * to the renderer, so it holds plain data only.
 */

export const PARSED_SCAN_KINDS = ['member-token', 'card', 'product', 'rejected'] as const;
export type ParsedScanKind = (typeof PARSED_SCAN_KINDS)[number];

export const SCAN_REJECTION_CODES = [
  'EMPTY',
  'GARBAGE',
  'TOO_LONG',
  'BAD_TOKEN',
  'BAD_CHECK_DIGIT',
  'BAD_CARD_NUMBER',
  'BAD_PRODUCT_CODE',
  'UNKNOWN_FORMAT',
] as const;
export type ScanRejectionCode = (typeof SCAN_REJECTION_CODES)[number];

export type ProductFormat = 'ean-13' | 'ean-8' | 'upc-a' | 'upc-e' | 'gtin-14' | 'gs1';

/**
 * Fields safe to write to a log line: codes, ids of keys and tokens, lengths.
 * Never a card number, member id or the scanned text.
 */
export type ScanLogFields = Record<string, string | number>;

export type ParsedScan =
  | {
      kind: 'member-token';
      memberId: string;
      cardNumber: string | null;
      keyId: number;
      tokenId: string;
      issuedAt: number;
      expiresAt: number | null;
    }
  | { kind: 'card'; cardNumber: string }
  | {
      kind: 'product';
      format: ProductFormat;
      /** Always 14 digits. */
      gtin: string;
      /** Strings to look up in product_barcodes, most likely first. */
      barcodes: string[];
      /** GS1 application identifiers and their values, e.g. { '01': '…', '17': '251231', '10': 'LOT7' }. */
      ai?: Record<string, string>;
    }
  | {
      kind: 'rejected';
      code: ScanRejectionCode;
      /** Plain words for the cashier. */
      reason: string;
      /** Technical detail for support; no personal data. */
      detail?: string;
      log: ScanLogFields;
    };
