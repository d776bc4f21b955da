import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareZXingModule, writeBarcode, type WriterOptions } from 'zxing-wasm/writer';
import { DEFAULT_DECODER, type BarcodeDecoder, type BarcodeFormat } from '../../../renderer/scanning/decoder.ts';
import { createZxingLibraryDecoder } from '../../../renderer/scanning/zxing-library-decoder.ts';
import { createZxingWasmDecoder } from '../../../renderer/scanning/zxing-wasm-decoder.ts';
import { letterbox, readPng, renderModules, rotate } from '../../helpers/rgba-image.ts';
import { nodeReaderWasm, nodeWriterWasm } from '../../helpers/zxing-wasm-node.ts';

/**
 * Both decoders on codes the test generates (always) and on real photos from
 * the ZXing black-box corpus (when it is beside the project; a fresh machine
 * has no corpus, and the benchmark covers it in full).
 */
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/zxing-blackbox', import.meta.url));

type WriteFormat = NonNullable<WriterOptions['format']>;
const GENERATED: ReadonlyArray<{ format: BarcodeFormat; write: WriteFormat; text: string }> = [
  { format: 'QR_CODE', write: 'QRCode', text: 'LT1.member:018f3a2e-7c4d-7b1a-9f00-2c5e8d1a4b6f' },
  { format: 'EAN_13', write: 'EAN13', text: '4006381333931' },
  { format: 'EAN_8', write: 'EAN8', text: '96385074' },
  { format: 'UPC_A', write: 'UPCA', text: '036000291452' },
  { format: 'CODE_128', write: 'Code128', text: 'CARD-2900000000017' },
  { format: 'CODE_39', write: 'Code39', text: 'LOYALTY 42' },
  { format: 'DATA_MATRIX', write: 'DataMatrix', text: 'member 12345' },
];

const CORPUS_SAMPLES: ReadonlyArray<{ set: string; images: string[] }> = [
  { set: 'qrcode-3', images: ['01', '02', '03'] },
  { set: 'ean13-3', images: ['01', '02', '03'] },
  { set: 'ean8-1', images: ['1', '2'] },
  { set: 'code128-1', images: ['1', '2'] },
  { set: 'code39-1', images: ['1', '3'] },
];

const decoders: BarcodeDecoder[] = [];
beforeAll(async () => {
  await prepareZXingModule({ overrides: { wasmBinary: nodeWriterWasm() }, fireImmediately: true });
  decoders.push(await createZxingWasmDecoder(nodeReaderWasm()), createZxingLibraryDecoder());
});
afterAll(() => {
  for (const decoder of decoders) decoder.dispose();
});

async function generated(write: WriteFormat, text: string) {
  const result = await writeBarcode(text, { format: write });
  if (result.error) throw new Error(result.error);
  return renderModules(result.symbol, write === 'QRCode' || write === 'DataMatrix' ? 4 : 2);
}

describe.each(['zxing-wasm', 'zxing-library'])('%s', (name) => {
  const decoder = () => decoders.find((d) => d.name === name)!;

  it.each(GENERATED)('decodes a generated $format in a 640×480 frame, upright and upside down', async ({ format, write, text }) => {
    const image = await generated(write, text);
    for (const tryHarder of [false, true]) {
      expect(await decoder().decode(letterbox(image), { tryHarder })).toEqual({ text, format });
      // Upside down is found without trying harder for 1D (both scan directions) and QR; DataMatrix needs the harder search.
      if (tryHarder || format !== 'DATA_MATRIX')
        expect(await decoder().decode(letterbox(rotate(image, 180)), { tryHarder })).toEqual({ text, format });
    }
  });

  it('keeps decoding 1D codes frame after frame with tryHarder on (the @zxing/library video bug)', async () => {
    const frame = letterbox(await generated('EAN13', '4006381333931'));
    for (let i = 0; i < 6; i++) expect((await decoder().decode(frame, { tryHarder: true }))?.text).toBe('4006381333931');
  });

  it('finds a code turned a quarter when trying harder', async () => {
    const frame = letterbox(rotate(await generated('Code128', 'CARD-2900000000017'), 90));
    expect((await decoder().decode(frame, { tryHarder: true }))?.text).toBe('CARD-2900000000017');
  });

  it('returns null for a frame with no code', async () => {
    const blank = { width: 640, height: 480, data: new Uint8ClampedArray(640 * 480 * 4).fill(200) };
    expect(await decoder().decode(blank, { tryHarder: true })).toBeNull();
  });

  it.skipIf(!existsSync(CORPUS)).each(CORPUS_SAMPLES)('decodes real photos from $set', async ({ set, images }) => {
    for (const n of images) {
      const expected = readFileSync(join(CORPUS, set, `${n}.txt`), 'utf8').trim();
      const result = await decoder().decode(readPng(join(CORPUS, set, `${n}.png`)), { tryHarder: true });
      expect(result?.text.trim(), `${set}/${n}.png`).toBe(expected);
    }
  });
});

it('names a decoder that exists as the default', () => {
  expect(['zxing-wasm', 'zxing-library']).toContain(DEFAULT_DECODER);
});
