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

function readerOptions(tryHarder: boolean): ReaderOptions {
  return {
    formats: FORMATS.map(([f]) => f),
    // ZXing-C++'s "try harder" is one of three searches; a camera frame either gets all of them or none.
    tryHarder,
    tryRotate: tryHarder,
    tryInvert: tryHarder,
    // Downscaling large frames first is both faster and, for blurry photos, more successful.
    tryDownscale: true,
    maxNumberOfSymbols: 1,
    // The raw content, as ZXing's Java reference gives it: not HRI's "(01)..." rendering of GS1 data.
    textMode: 'Plain',
  };
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
  const options = { normal: readerOptions(false), harder: readerOptions(true) };
  return {
    name: 'zxing-wasm',
    async decode(image: RgbaImage, opts) {
      // zxing-wasm reads only width, height and data, so the plain RGBA frame stands in for ImageData
      // (which Node has not got).
      const input = { width: image.width, height: image.height, data: image.data } as Parameters<typeof readBarcodes>[0];
      const results = await readBarcodes(input, opts.tryHarder ? options.harder : options.normal);
      for (const result of results) {
        const format = result.isValid ? formatOf(result) : undefined;
        if (format) return asUpcA(result.text, format);
      }
      return null;
    },
    dispose() {
      purgeZXingModule();
    },
  };
}
