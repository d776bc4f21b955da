/**
 * Messages between the camera scanner (page) and its decoding Web Worker. A
 * frame's pixels are transferred, not copied.
 */
import type { DecodeResult } from './decoder.ts';

export interface FrameRequest {
  id: number;
  width: number;
  height: number;
  pixels: ArrayBuffer;
}

export type WorkerReply =
  { kind: 'ready' } | { kind: 'failed'; message: string } | { kind: 'decoded'; id: number; result: DecodeResult | null; ms: number };
