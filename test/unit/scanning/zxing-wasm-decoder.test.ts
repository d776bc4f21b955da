import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMERA_DECODE_OPTIONS, type BarcodeDecoder, type RgbaImage } from '../../../renderer/scanning/decoder.ts';
import { createZxingWasmDecoder, upscaleGrey2x } from '../../../renderer/scanning/zxing-wasm-decoder.ts';
import { readPng, rotate } from '../../helpers/rgba-image.ts';
import { nodeReaderWasm } from '../../helpers/zxing-wasm-node.ts';

/**
 * The zxing-wasm decoder's own search: ZXing-C++'s every-row 1D scan in the
 * camera's mode, and a 2× retry for 1D codes in images smaller than a VGA frame.
 */
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/zxing-blackbox', import.meta.url));

function grey(width: number, height: number, value: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = value(x, y);
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

const pixel = (image: RgbaImage, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

describe('upscaleGrey2x', () => {
  it('doubles both sides and keeps a flat image flat, grey and opaque', () => {
    const out = upscaleGrey2x(grey(3, 2, () => 100));
    expect([out.width, out.height]).toEqual([6, 4]);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) expect(pixel(out, x, y)).toEqual([100, 100, 100, 255]);
  });

  it('places an edge between pixels: a quarter and three quarters of the way across', () => {
    // Two columns, 0 and 200: output columns 0..3 sit at source x = -0.25, 0.25, 0.75, 1.25.
    const out = upscaleGrey2x(grey(2, 1, (x) => (x === 0 ? 0 : 200)));
    expect([0, 1, 2, 3].map((x) => pixel(out, x, 0)[0])).toEqual([0, 50, 150, 200]);
  });

  it('uses the luma of colour pixels (BT.601)', () => {
    const red: RgbaImage = { width: 1, height: 1, data: new Uint8ClampedArray([255, 0, 0, 255]) };
    expect(pixel(upscaleGrey2x(red), 1, 1)[0]).toBe(76);
  });
});

describe('createZxingWasmDecoder', () => {
  let decoder: BarcodeDecoder;
  beforeAll(async () => {
    decoder = await createZxingWasmDecoder(nodeReaderWasm());
  });
  afterAll(() => decoder.dispose());

  it('finds nothing in small and camera-sized frames without a code', async () => {
    for (const [w, h] of [
      [240, 240],
      [320, 240],
      [640, 480],
    ] as const) {
      const noise = grey(w, h, (x, y) => ((x * 7919 + y * 104729) % 251) ^ ((x >> 3) * 37));
      for (const tryHarder of [false, true]) expect(await decoder.decode(noise, { tryHarder })).toBeNull();
    }
  });

  // Photos the camera's mode used to miss: faint or small UPC-A (found by the 2× retry or the every-row
  // scan), a Code 39, and an EAN-13 upside down. The benchmark covers the whole corpus.
  const photos: ReadonlyArray<{ set: string; image: string; rotation: 0 | 180 }> = [
    { set: 'upca-2', image: '01', rotation: 0 },
    { set: 'upca-2', image: '15', rotation: 180 },
    { set: 'upca-2', image: '18', rotation: 0 },
    { set: 'code39-1', image: '2', rotation: 0 },
    { set: 'ean13-3', image: '32', rotation: 180 },
  ];
  it.skipIf(!existsSync(CORPUS)).each(photos)(
    'reads $set/$image.png at $rotation° in the camera mode',
    async ({ set, image, rotation }) => {
      const expected = readFileSync(join(CORPUS, set, `${image}.txt`), 'utf8').trim();
      const result = await decoder.decode(rotate(readPng(join(CORPUS, set, `${image}.png`)), rotation), CAMERA_DECODE_OPTIONS);
      expect(result?.text.trim()).toBe(expected);
    },
  );
});
