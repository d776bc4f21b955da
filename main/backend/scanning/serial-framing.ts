/**
 * Serial scanner framing, pure: bytes in, frames and diagnostics out. No I/O, no clock,
 * no Node built-ins, so every chunking a real port can produce is unit-testable.
 *
 * A frame is the bytes before the suffix (CR, LF, CRLF or a custom byte), optionally after
 * a prefix, optionally starting with an AIM symbology identifier (`]` + code letter +
 * modifier, e.g. `]Q1` QR, `]E0` EAN-13, `]C1` GS1-128) that is stripped into `symbology`.
 *
 * Decisions, each leaving a diagnostic instead of throwing:
 * - invalid UTF-8: the frame is dropped, not emitted with U+FFFD. A damaged read must never
 *   become a different card or product; the cashier simply scans again.
 * - over-long line (no suffix within `maxFrameBytes`): the bytes are discarded up to the next
 *   suffix, so one stuck scanner cannot grow memory or glue garbage to the next code.
 * - empty frames (a bare suffix, or only a prefix / AIM identifier) are ignored.
 * - bytes before the prefix are noise: dropped, and the frame after them is kept.
 * - control characters inside a frame are kept: GS1 codes carry FNC1 as GS (0x1D).
 */

export type FramingSuffix = 'CR' | 'LF' | 'CRLF' | number;

export interface FramingOptions {
  suffix: FramingSuffix;
  /** Bytes every frame starts with (e.g. STX); bytes before it are noise. */
  prefix?: Uint8Array;
  /** 'auto' strips an AIM identifier when present; 'required' also reports frames without one. */
  aim: 'auto' | 'required' | 'off';
  /** Longest frame kept, in bytes, prefix and AIM identifier included. */
  maxFrameBytes: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 4096;

export type DiagnosticCode = 'invalid-utf8' | 'overflow' | 'empty-frame' | 'noise' | 'missing-prefix' | 'missing-aim-id' | 'unterminated';

/** What went wrong and how many bytes it concerned: never the scanned text (it can be personal data). */
export interface FramingDiagnostic {
  kind: 'diagnostic';
  code: DiagnosticCode;
  bytes: number;
}

export interface Frame {
  kind: 'frame';
  text: string;
  symbology?: string;
  /** Bytes on the wire for this frame, suffix excluded. */
  bytes: number;
}

export type FramingOutput = Frame | FramingDiagnostic;

const CR = 0x0d;
const LF = 0x0a;
const AIM_FLAG = 0x5d; // ']'

export function suffixBytes(suffix: FramingSuffix): Uint8Array {
  switch (suffix) {
    case 'CR':
      return Uint8Array.of(CR);
    case 'LF':
      return Uint8Array.of(LF);
    case 'CRLF':
      return Uint8Array.of(CR, LF);
    default:
      return Uint8Array.of(suffix);
  }
}

/**
 * Keeps the bytes of the frame in progress between chunks. `push` never throws on any input;
 * memory stays below `maxFrameBytes` + one chunk whatever the port sends.
 */
export class SerialFramer {
  private readonly suffix: Uint8Array;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private pending: Uint8Array = new Uint8Array(0);
  /** After an overflow: drop bytes up to the next suffix. */
  private discarding = false;

  constructor(private readonly options: FramingOptions) {
    this.suffix = suffixBytes(options.suffix);
  }

  /** Bytes received but not yet framed. */
  get pendingBytes(): number {
    return this.discarding ? 0 : this.pending.length;
  }

  push(chunk: Uint8Array): FramingOutput[] {
    const out: FramingOutput[] = [];
    if (chunk.length === 0) return out;
    const previous = this.pending.length;
    const buffer = concat(this.pending, chunk);
    // Only the tail of the old bytes can start a suffix that ends in this chunk.
    let searchFrom = Math.max(0, previous - (this.suffix.length - 1));
    let start = 0;
    for (;;) {
      const end = indexOf(buffer, this.suffix, searchFrom);
      if (end < 0) break;
      if (this.discarding) {
        this.discarding = false; // the over-long line ends here; its diagnostic went out when it overflowed
      } else {
        this.frame(buffer.subarray(start, end), out);
      }
      start = end + this.suffix.length;
      searchFrom = start;
    }
    let rest = buffer.subarray(start);
    if (!this.discarding && rest.length > this.options.maxFrameBytes) {
      out.push({ kind: 'diagnostic', code: 'overflow', bytes: rest.length });
      this.discarding = true;
    }
    if (this.discarding) {
      // Keep only what could be the start of a suffix, so a CRLF split across chunks still ends the discard.
      rest = rest.subarray(rest.length - Math.min(rest.length, this.suffix.length - 1));
    }
    // A copy: the caller may reuse its chunk's memory (serialport reads into a shared pool).
    this.pending = new Uint8Array(rest);
    return out;
  }

  /**
   * The line went quiet with bytes and no suffix: drop them so they cannot prefix the next
   * code (e.g. noise when a scanner is plugged in, or a scanner set up without a suffix).
   */
  flush(): FramingOutput[] {
    const out: FramingOutput[] = [];
    if (!this.discarding && this.pending.length > 0) out.push({ kind: 'diagnostic', code: 'unterminated', bytes: this.pending.length });
    this.pending = new Uint8Array(0);
    this.discarding = false;
    return out;
  }

  private frame(raw: Uint8Array, out: FramingOutput[]): void {
    const bytes = raw.length;
    if (bytes > this.options.maxFrameBytes) {
      out.push({ kind: 'diagnostic', code: 'overflow', bytes });
      return;
    }
    let body = raw;
    const prefix = this.options.prefix;
    if (prefix !== undefined && prefix.length > 0) {
      const at = indexOf(body, prefix, 0);
      if (at < 0) {
        out.push(bytes === 0 ? { kind: 'diagnostic', code: 'empty-frame', bytes } : { kind: 'diagnostic', code: 'missing-prefix', bytes });
        return;
      }
      if (at > 0) out.push({ kind: 'diagnostic', code: 'noise', bytes: at });
      body = body.subarray(at + prefix.length);
    }
    let symbology: string | undefined;
    if (this.options.aim !== 'off') {
      if (isAimIdentifier(body)) {
        symbology = String.fromCharCode(body[0]!, body[1]!, body[2]!);
        body = body.subarray(3);
      } else if (this.options.aim === 'required' && body.length > 0) {
        out.push({ kind: 'diagnostic', code: 'missing-aim-id', bytes });
      }
    }
    if (body.length === 0) {
      out.push({ kind: 'diagnostic', code: 'empty-frame', bytes });
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(body);
    } catch {
      out.push({ kind: 'diagnostic', code: 'invalid-utf8', bytes });
      return;
    }
    out.push(symbology === undefined ? { kind: 'frame', text, bytes } : { kind: 'frame', text, symbology, bytes });
  }
}

/** `]` + code character (a letter) + modifier character (a digit or letter), per ISO/IEC 15424. */
function isAimIdentifier(body: Uint8Array): boolean {
  return body.length >= 3 && body[0] === AIM_FLAG && isLetter(body[1]!) && (isLetter(body[2]!) || (body[2]! >= 0x30 && body[2]! <= 0x39));
}

function isLetter(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = from; i <= last; i++) {
    if (haystack[i] !== first) continue;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
