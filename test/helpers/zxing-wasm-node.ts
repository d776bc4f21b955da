import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ZxingWasmSource } from '../../renderer/scanning/zxing-wasm-decoder.ts';

const require = createRequire(import.meta.url);

/** zxing-wasm's binaries as bytes from node_modules: Node has no app server to fetch them from, and no CDN is used. */
function wasmBytes(specifier: string): ArrayBuffer {
  const bytes = readFileSync(require.resolve(specifier));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function nodeReaderWasm(): ZxingWasmSource {
  return { wasmBinary: wasmBytes('zxing-wasm/reader/zxing_reader.wasm') };
}

export function nodeWriterWasm(): ArrayBuffer {
  return wasmBytes('zxing-wasm/writer/zxing_writer.wasm');
}
