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
 * black-box photo corpus (2 cores, Node 20, two runs on a busy machine, 2026-11-22; 420 code
 * images over all rotations, 100 without a code): correct decodes / misreads / false positives,
 * then median ms per 640×480 frame, and per 640×480 frame without a code (most of a live camera's):
 *   zxing-wasm             396 / 0 / 0   5.5–7.6 ms (p95 13–21)   no code 8.8–10.0 ms
 *     +tryHarder           396 / 0 / 0   6.7–11.2 ms (p95 25–38)  no code 21–27 ms
 *   zxing-library          363 / 0 / 1  17.6–17.8 ms (p95 38–45)  no code 23–31 ms
 *     +tryHarder           376 / 4 / 9  15.4–22.7 ms (p95 447–562) no code 350–415 ms
 * A bare ZXing-C++ scan of the same frames took 3.9–4.1 ms in those runs.
 * zxing-wasm reaches the Java reference's pass counts on every set and rotation
 * in the camera's mode, even the reference's try-harder column (upca-2: 40 of
 * 52 at 0° and 180°, against 28/29 and 36), misreads nothing, and is 2–3×
 * faster. @zxing/library reaches the reference too, but decodes fewer, and
 * misreads and finds codes in code-free photos when it tries harder.
 */
export const DEFAULT_DECODER: DecoderName = 'zxing-wasm';

/** A live camera retries with the next frame, so each frame gets the fast search (tryHarder doubles the median). */
export const CAMERA_DECODE_OPTIONS: DecodeOptions = { tryHarder: false };
