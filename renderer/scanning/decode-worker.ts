/// <reference lib="webworker" />
/**
 * Camera decoding off the UI thread: frames in, codes out. The decoder's
 * .wasm is one of the app's own files (the bundler's URL for it), never a CDN.
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { FrameRequest, WorkerReply } from './camera-frames.ts';
import { CAMERA_DECODE_OPTIONS, DEFAULT_DECODER, type BarcodeDecoder } from './decoder.ts';
import { createZxingWasmDecoder } from './zxing-wasm-decoder.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: WorkerReply) => scope.postMessage(reply);

// The other decoder is loaded only if chosen, so the default ships without it.
const decoder: Promise<BarcodeDecoder> =
  DEFAULT_DECODER === 'zxing-wasm'
    ? createZxingWasmDecoder({ wasmUrl })
    : import('./zxing-library-decoder.ts').then((m) => m.createZxingLibraryDecoder());
decoder.then(
  () => post({ kind: 'ready' }),
  (error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);

scope.onmessage = async (event: MessageEvent<FrameRequest>) => {
  const { id, width, height, pixels } = event.data;
  const started = performance.now();
  let result = null;
  try {
    result = await (await decoder).decode({ width, height, data: new Uint8ClampedArray(pixels) }, CAMERA_DECODE_OPTIONS);
  } catch {
    // A frame the decoder chokes on is a frame without a code; the next one comes in milliseconds.
  }
  post({ kind: 'decoded', id, result, ms: performance.now() - started });
};
