/**
 * Camera decoding behind one small interface, so the camera code (and its Web
 * Worker) never depends on which barcode library does the work, and the
 * benchmark can compare implementations on the same frames.
 */

/** The symbologies a cashier meets: member QR codes and cards, product codes. */
export const BARCODE_FORMATS = ['QR_CODE', 'EAN_13', 'EAN_8', 'UPC_A', 'UPC_E', 'CODE_128', 'CODE_39', 'DATA_MATRIX'] as const;
export type BarcodeFormat = (typeof BARCODE_FORMATS)[number];

/** An RGBA frame, the layout of canvas ImageData (4 bytes per pixel, rows top to bottom). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface DecodeOptions {
  /**
   * Spend more time per image (more rows for 1D, rotation, inversion). Worth it
   * for a single photo; on a live camera the next frame is usually the better retry.
   */
  tryHarder: boolean;
}

export interface DecodeResult {
  text: string;
  format: BarcodeFormat;
}

export interface BarcodeDecoder {
  readonly name: DecoderName;
  /** The first code found in the image, or null when there is none. Never throws for "not found". */
  decode(image: RgbaImage, opts: DecodeOptions): Promise<DecodeResult | null>;
  /** Releases what the decoder holds (wasm memory, reader state). */
  dispose(): void;
}

export type DecoderName = 'zxing-library' | 'zxing-wasm';

/**
 * The decoder the camera uses. Chosen by `npm run bench -- decode` on the ZXing
 * black-box photo corpus (2 cores, Node 20; 420 code images over all rotations, 100 without a code),
 * correct decodes / misreads / false positives, median ms per 640×480 frame:
 *   zxing-wasm             366 / 0 / 0   5.3 ms    (+tryHarder: 386 / 0 / 0  10.1 ms)
 *   zxing-library          358 / 0 / 1  17.5 ms    (+tryHarder: 371 / 4 / 9  33.5 ms, p95 577 ms)
 * zxing-wasm decodes more, misreads nothing, and is 3× faster; it misses the
 * reference on upca-2 (27+28 of 28+29), code39-1 (3 of 4) and one ean13-3 image
 * at 180°, which its tryHarder mode recovers except upca-2 (35+35 of 36+36).
 */
export const DEFAULT_DECODER: DecoderName = 'zxing-wasm';

/** A live camera retries with the next frame, so each frame gets the fast search (tryHarder doubles the median). */
export const CAMERA_DECODE_OPTIONS: DecodeOptions = { tryHarder: false };
