import { prepareZXingModule, purgeZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';
import type { BarcodeDecoder, BarcodeFormat, RgbaImage } from './decoder.ts';

/**
 * zxing-wasm (ZXing-C++ compiled to WebAssembly) behind BarcodeDecoder.
 *
 * Left alone, zxing-wasm fetches its .wasm from a CDN; a cashier terminal must
 * work offline and load no remote code, so the caller always says where the
 * binary is: a URL served with the app (the renderer / worker: the bundler's
 * asset URL for `zxing-wasm/reader/zxing_reader.wasm`), or the bytes themselves
 * (Node: tests and the benchmark read them from node_modules).
 */
export type ZxingWasmSource = { wasmUrl: string } | { wasmBinary: ArrayBuffer };

type InputFormat = NonNullable<ReaderOptions['formats']>[number];

const FORMATS: ReadonlyArray<[InputFormat, BarcodeFormat]> = [
  ['QRCode', 'QR_CODE'],
  ['EAN13', 'EAN_13'],
  ['EAN8', 'EAN_8'],
  ['UPCA', 'UPC_A'],
  ['UPCE', 'UPC_E'],
  ['Code128', 'CODE_128'],
  ['Code39', 'CODE_39'],
  ['DataMatrix', 'DATA_MATRIX'],
];
const BY_NAME = new Map<string, BarcodeFormat>(FORMATS);

/**
 * A UPC-A is an EAN-13 whose first digit is 0. ZXing's Java reference (and
 * @zxing/library) report it as the 12-digit UPC-A when UPC-A is asked for;
 * ZXing-C++ reports the 13-digit EAN-13. Both decoders must give the same text.
 */
function asUpcA(text: string, format: BarcodeFormat): { text: string; format: BarcodeFormat } {
  return format === 'EAN_13' && text.length === 13 && text.startsWith('0') ? { text: text.slice(1), format: 'UPC_A' } : { text, format };
}

/** zxing-wasm names variants (`Code39Std`, `QRCodeModel2`); the symbology is the family we asked for. */
function formatOf(result: ReadResult): BarcodeFormat | undefined {
  return BY_NAME.get(result.format) ?? (result.symbology === 'EANUPC' ? undefined : BY_NAME.get(result.symbology));
}

const LINEAR: ReadonlySet<InputFormat> = new Set(['EAN13', 'EAN8', 'UPCA', 'UPCE', 'Code128', 'Code39']);

/**
 * What each DecodeOptions.tryHarder asks of ZXing-C++, chosen by measuring
 * each option on the black-box corpus (`npm run bench -- decode`; figures in decoder.ts):
 * - Always ZXing-C++'s own `tryHarder`, which for 1D codes scans every row
 *   instead of a sample of rows, so a 1D code that reads on only a few rows
 *   (skewed, blurred, partly in glare) is still found. It costs about +0.5 ms
 *   on a 640×480 frame with a code and +4 ms on one without (where a live
 *   camera spends most frames): far inside the frame budget.
 * - `tryRotate` and `tryInvert` (codes turned a quarter, light-on-dark) only
 *   when the caller tries harder: they more than double the cost of a frame
 *   without a code, and a cashier turns the card or the next frame comes.
 * - The default LocalAverage binarizer: GlobalHistogram and FixedThreshold
 *   decode fewer photos (FixedThreshold a third fewer), and `minLineCount: 1`
 *   misreads a UPC-A.
 */
function readerOptions(tryHarder: boolean, formats: readonly InputFormat[]): ReaderOptions {
  return {
    formats: [...formats],
    tryHarder: true,
    tryRotate: tryHarder,
    tryInvert: tryHarder,
    // Downscaling large frames first is both faster and, for blurry photos, more successful.
    tryDownscale: true,
    maxNumberOfSymbols: 1,
    // The raw content, as ZXing's Java reference gives it: not HRI's "(01)..." rendering of GS1 data.
    textMode: 'Plain',
  };
}

/**
 * An image smaller than a VGA frame (a low-resolution camera, a crop, a
 * thumbnail) is searched again at twice its size for 1D codes when the first
 * search finds nothing. ZXing-C++ thresholds a 1D row pixel by pixel, so bars
 * one or two pixels wide blur into their neighbours; interpolated to twice the
 * size, each edge falls between two pixels of different grey and the
 * threshold places it to half a pixel. 2D detectors sample a module grid of
 * their own and gain nothing. A 640×480 or larger camera frame never takes
 * this path, so it costs a live camera nothing; a smaller frame without a code
 * pays one more linear search on four times the pixels (bounded at 1280×958).
 */
const UPSCALE_MAX_LONG_SIDE = 640;
const UPSCALE_BELOW_SHORT_SIDE = 480;

function wantsUpscale(image: RgbaImage): boolean {
  return Math.max(image.width, image.height) <= UPSCALE_MAX_LONG_SIDE && Math.min(image.width, image.height) < UPSCALE_BELOW_SHORT_SIDE;
}

/** The image's luma (ITU-R BT.601) at twice the width and height, bilinear at pixel centres, as grey RGBA. */
export function upscaleGrey2x(image: RgbaImage): RgbaImage {
  const { width: w, height: h, data } = image;
  const lum = new Float32Array(w * h);
  for (let i = 0, j = 0; j < lum.length; i += 4, j++) lum[j] = (306 * data[i]! + 601 * data[i + 1]! + 117 * data[i + 2]!) / 1024;
  const width = 2 * w;
  const height = 2 * h;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    // Output pixel y's centre is at source (y + 0.5) / 2 - 0.5: between rows (y - 1) >> 1 and the next, a quarter or three quarters of the way.
    const y0 = y === 0 ? 0 : (y - 1) >> 1;
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = y === 0 ? 0 : y & 1 ? 0.25 : 0.75;
    for (let x = 0; x < width; x++) {
      const x0 = x === 0 ? 0 : (x - 1) >> 1;
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = x === 0 ? 0 : x & 1 ? 0.25 : 0.75;
      const top = lum[y0 * w + x0]! * (1 - fx) + lum[y0 * w + x1]! * fx;
      const bottom = lum[y1 * w + x0]! * (1 - fx) + lum[y1 * w + x1]! * fx;
      const o = (y * width + x) * 4;
      out[o] = out[o + 1] = out[o + 2] = top * (1 - fy) + bottom * fy;
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

export async function createZxingWasmDecoder(source: ZxingWasmSource): Promise<BarcodeDecoder> {
  // The module is one per JavaScript realm (zxing-wasm caches it): one decoder per worker.
  await prepareZXingModule({
    overrides:
      'wasmUrl' in source
        ? { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? source.wasmUrl : prefix + path) }
        : { wasmBinary: source.wasmBinary },
    fireImmediately: true,
  });
  const all = FORMATS.map(([f]) => f);
  const linear = all.filter((f) => LINEAR.has(f));
  const options = {
    normal: { all: readerOptions(false, all), linear: readerOptions(false, linear) },
    harder: { all: readerOptions(true, all), linear: readerOptions(true, linear) },
  };
  async function firstValid(image: RgbaImage, search: ReaderOptions) {
    // zxing-wasm reads only width, height and data, so the plain RGBA frame stands in for ImageData
    // (which Node has not got).
    const input = { width: image.width, height: image.height, data: image.data } as Parameters<typeof readBarcodes>[0];
    for (const result of await readBarcodes(input, search)) {
      const format = result.isValid ? formatOf(result) : undefined;
      if (format) return asUpcA(result.text, format);
    }
    return null;
  }
  return {
    name: 'zxing-wasm',
    async decode(image: RgbaImage, opts) {
      const mode = opts.tryHarder ? options.harder : options.normal;
      return (await firstValid(image, mode.all)) ?? (wantsUpscale(image) ? firstValid(upscaleGrey2x(image), mode.linear) : null);
    },
    dispose() {
      purgeZXingModule();
    },
  };
}
