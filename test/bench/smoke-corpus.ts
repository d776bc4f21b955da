import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import type { RgbaImage } from '../../renderer/scanning/decoder.ts';
import { renderModules } from '../helpers/rgba-image.ts';
import { nodeWriterWasm } from '../helpers/zxing-wasm-node.ts';

/**
 * A tiny corpus in the black-box layout (decode-corpus.ts) for a smoke run of the decode benchmark
 * on a machine without the real-photo corpus: generated codes (two QR, two EAN-13) and a blank
 * image, no thresholds. It proves the benchmark runs end to end, not how well a decoder reads photos.
 */
export async function smokeCorpus(): Promise<string> {
  await prepareZXingModule({ overrides: { wasmBinary: nodeWriterWasm() }, fireImmediately: true });
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-corpus-'));
  const sets: Record<string, { format: 'QRCode' | 'EAN13'; texts: string[] }> = {
    'qrcode-smoke': { format: 'QRCode', texts: ['LT1.member.smoke-1', 'https://example.com/loyalty/2'] },
    'ean13-smoke': { format: 'EAN13', texts: ['4006381333931', '5449000000996'] },
  };
  for (const [name, { format, texts }] of Object.entries(sets)) {
    mkdirSync(join(dir, name));
    for (const [i, text] of texts.entries()) {
      const written = await writeBarcode(text, { format });
      if (written.error) throw new Error(`smoke corpus: could not generate a ${format}: ${written.error}`);
      writeImage(join(dir, name, `${i + 1}.png`), renderModules(written.symbol, format === 'QRCode' ? 4 : 2));
      writeFileSync(join(dir, name, `${i + 1}.txt`), text);
    }
  }
  mkdirSync(join(dir, 'falsepositives-smoke'));
  writeImage(join(dir, 'falsepositives-smoke', '1.png'), { width: 320, height: 240, data: new Uint8ClampedArray(320 * 240 * 4).fill(255) });
  return dir;
}

function writeImage(path: string, image: RgbaImage): void {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  writeFileSync(path, PNG.sync.write(png));
}
