import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { prepareZXingModule, writeBarcode, type WriterOptions } from 'zxing-wasm/writer';
import { letterbox, renderModules } from './rgba-image.ts';
import { nodeWriterWasm } from './zxing-wasm-node.ts';

/**
 * A fake-camera video for Chromium: a generated code centred in a 640×480
 * frame, as a .y4m that `--use-file-for-fake-video-capture` loops. Made with
 * ffmpeg (Debian package `ffmpeg`), as a real camera's frames would arrive:
 * YUV 4:2:0, not the crisp RGBA the decoder tests use.
 */
export type WriteFormat = NonNullable<WriterOptions['format']>;

let prepared = false;

export async function writeFakeCameraVideo(text: string, format: WriteFormat, outBase: string): Promise<string> {
  if (!prepared) {
    await prepareZXingModule({ overrides: { wasmBinary: nodeWriterWasm() }, fireImmediately: true });
    prepared = true;
  }
  const written = await writeBarcode(text, { format });
  if (written.error) throw new Error(`could not generate a ${format}: ${written.error}`);
  const frame = letterbox(renderModules(written.symbol, format === 'QRCode' || format === 'DataMatrix' ? 4 : 2));
  const png = new PNG({ width: frame.width, height: frame.height });
  png.data = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  writeFileSync(`${outBase}.png`, PNG.sync.write(png));
  const y4m = `${outBase}.y4m`;
  try {
    execFileSync('ffmpeg', [
      '-y',
      '-loglevel',
      'error',
      '-loop',
      '1',
      '-i',
      `${outBase}.png`,
      '-t',
      '1',
      '-r',
      '10',
      '-pix_fmt',
      'yuv420p',
      y4m,
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('ffmpeg not found: install the Debian package `ffmpeg` (apt-get install -y ffmpeg)', { cause: error });
    throw error;
  }
  return y4m;
}
