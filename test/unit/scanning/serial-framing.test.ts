import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SerialFramer,
  type FramingOptions,
  type FramingOutput,
  type FramingSuffix,
} from '../../../main/backend/scanning/serial-framing.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const raw = (...values: number[]) => Uint8Array.from(values);
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
};

function framer(options: Partial<FramingOptions> = {}): SerialFramer {
  return new SerialFramer({ suffix: 'CR', aim: 'auto', maxFrameBytes: 4096, ...options });
}

function run(f: SerialFramer, chunks: Uint8Array[]): FramingOutput[] {
  return chunks.flatMap((chunk) => f.push(chunk));
}

const texts = (outputs: FramingOutput[]) => outputs.flatMap((o) => (o.kind === 'frame' ? [o.text] : []));
const codes = (outputs: FramingOutput[]) => outputs.flatMap((o) => (o.kind === 'diagnostic' ? [o.code] : []));

const SUFFIXES: [FramingSuffix, string][] = [
  ['CR', '\r'],
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  [0x03, '\x03'],
];

describe('serial framing: chunking', () => {
  for (const [suffix, terminator] of SUFFIXES) {
    it(`a code split at every single point arrives whole (suffix ${String(suffix)})`, () => {
      const wire = bytes(`]Q12900000012345${terminator}`);
      for (let cut = 0; cut <= wire.length; cut++) {
        const out = run(framer({ suffix }), [wire.subarray(0, cut), wire.subarray(cut)]);
        expect(out, `cut at ${cut}`).toEqual([
          { kind: 'frame', text: '2900000012345', symbology: ']Q1', bytes: wire.length - terminator.length },
        ]);
      }
    });

    it(`a code split at every pair of points arrives whole (suffix ${String(suffix)})`, () => {
      const wire = bytes(`\x02]E04006381333931${terminator}`);
      for (let a = 0; a <= wire.length; a++) {
        for (let b = a; b <= wire.length; b++) {
          const out = run(framer({ suffix, prefix: raw(0x02) }), [wire.subarray(0, a), wire.subarray(a, b), wire.subarray(b)]);
          expect(out, `cuts at ${a}, ${b}`).toEqual([
            { kind: 'frame', text: '4006381333931', symbology: ']E0', bytes: wire.length - terminator.length },
          ]);
        }
      }
    });

    it(`byte by byte, several codes (suffix ${String(suffix)})`, () => {
      const wire = bytes(`A1${terminator}B22${terminator}C333${terminator}`);
      const out = run(
        framer({ suffix }),
        Array.from(wire, (b) => raw(b)),
      );
      expect(texts(out)).toEqual(['A1', 'B22', 'C333']);
      expect(codes(out)).toEqual([]);
    });
  }

  it('any list of codes, cut into any number of chunks, comes out as the same codes', () => {
    const code = fc.stringMatching(/^[0-9A-Za-z\-.:/+]{1,40}$/);
    const suffix = fc.constantFrom<FramingSuffix>('CR', 'LF', 'CRLF', 0x03);
    fc.assert(
      fc.property(fc.array(code, { minLength: 1, maxLength: 8 }), suffix, fc.array(fc.nat(), { maxLength: 20 }), (list, sfx, cutSeeds) => {
        const terminator = SUFFIXES.find(([s]) => s === sfx)![1];
        const wire = bytes(list.map((c) => c + terminator).join(''));
        const cuts = [...new Set(cutSeeds.map((n) => n % (wire.length + 1)))].sort((x, y) => x - y);
        const chunks = [0, ...cuts].map((from, i) => wire.subarray(from, [...cuts, wire.length][i]));
        const out = run(framer({ suffix: sfx }), chunks);
        expect(texts(out)).toEqual(list);
        expect(codes(out)).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('several codes in one chunk, and a CRLF split between chunks', () => {
    const f = framer({ suffix: 'CRLF' });
    expect(texts(f.push(bytes('111\r\n222\r\n333\r')))).toEqual(['111', '222']);
    expect(texts(f.push(bytes('\n444\r\n')))).toEqual(['333', '444']);
  });

  it('a multi-byte UTF-8 character split across chunks decodes whole', () => {
    const wire = bytes('Zoë\r');
    for (let cut = 0; cut <= wire.length; cut++) {
      expect(texts(run(framer(), [wire.subarray(0, cut), wire.subarray(cut)]))).toEqual(['Zoë']);
    }
  });

  it('keeps its own copy of a chunk whose memory the caller reuses', () => {
    const f = framer();
    const chunk = bytes('1234');
    f.push(chunk);
    chunk.fill(0x39);
    expect(texts(f.push(bytes('56\r')))).toEqual(['123456']);
  });
});

describe('serial framing: bad traffic leaves a diagnostic, never an exception', () => {
  it('a scanner that sends nothing: no output, nothing pending', () => {
    const f = framer();
    expect(f.push(new Uint8Array(0))).toEqual([]);
    expect(f.flush()).toEqual([]);
    expect(f.pendingBytes).toBe(0);
  });

  it('empty frames are ignored with a diagnostic', () => {
    expect(run(framer(), [bytes('\r\r12\r')])).toEqual([
      { kind: 'diagnostic', code: 'empty-frame', bytes: 0 },
      { kind: 'diagnostic', code: 'empty-frame', bytes: 0 },
      { kind: 'frame', text: '12', bytes: 2 },
    ]);
    expect(codes(framer().push(bytes(']Q1\r')))).toEqual(['empty-frame']);
    expect(codes(framer({ prefix: raw(0x02) }).push(bytes('\x02\r')))).toEqual(['empty-frame']);
  });

  it('invalid UTF-8 drops that frame only (documented: no U+FFFD codes)', () => {
    const out = run(framer(), [join(bytes('12'), raw(0xff, 0xfe), bytes('34\r')), bytes('5678\r')]);
    expect(out).toEqual([
      { kind: 'diagnostic', code: 'invalid-utf8', bytes: 6 },
      { kind: 'frame', text: '5678', bytes: 4 },
    ]);
    // A truncated multi-byte sequence and an overlong encoding are invalid too.
    expect(codes(framer().push(join(raw(0xc3), bytes('\r'))))).toEqual(['invalid-utf8']);
    expect(codes(framer().push(join(raw(0xc0, 0xaf), bytes('\r'))))).toEqual(['invalid-utf8']);
  });

  it('an over-long line is discarded up to the next suffix, once reported, and the next code arrives', () => {
    const f = framer({ maxFrameBytes: 64 });
    const out = run(f, [bytes('x'.repeat(50)), bytes('x'.repeat(50)), bytes('y'.repeat(1000)), bytes('zz\r29000001\r')]);
    expect(out).toEqual([
      { kind: 'diagnostic', code: 'overflow', bytes: 100 },
      { kind: 'frame', text: '29000001', bytes: 8 },
    ]);
    expect(f.pendingBytes).toBe(0);
  });

  it('an over-long frame that arrives with its suffix in one chunk is dropped too', () => {
    expect(run(framer({ maxFrameBytes: 64 }), [bytes(`${'x'.repeat(65)}\r1\r`)])).toEqual([
      { kind: 'diagnostic', code: 'overflow', bytes: 65 },
      { kind: 'frame', text: '1', bytes: 1 },
    ]);
    expect(texts(framer({ maxFrameBytes: 64 }).push(bytes(`${'x'.repeat(64)}\r`)))).toEqual(['x'.repeat(64)]);
  });

  it('a CRLF split between chunks ends a discarded over-long line', () => {
    const f = framer({ suffix: 'CRLF', maxFrameBytes: 16 });
    const out = run(f, [bytes('x'.repeat(40)), bytes('\r'), bytes('\n42\r\n')]);
    expect(out).toEqual([
      { kind: 'diagnostic', code: 'overflow', bytes: 40 },
      { kind: 'frame', text: '42', bytes: 2 },
    ]);
  });

  it('memory stays bounded whatever arrives without a suffix', () => {
    const f = framer({ maxFrameBytes: 4096 });
    for (let i = 0; i < 1_000; i++) f.push(bytes('x'.repeat(1_000)));
    expect(f.pendingBytes).toBe(0);
    expect(codes(f.flush())).toEqual([]);
    expect(texts(f.push(bytes('7\r')))).toEqual(['7']);
  });

  it('flush reports and drops bytes left without a suffix', () => {
    const f = framer();
    f.push(bytes('\x00\x13garbage'));
    expect(f.flush()).toEqual([{ kind: 'diagnostic', code: 'unterminated', bytes: 9 }]);
    expect(texts(f.push(bytes('29\r')))).toEqual(['29']);
  });

  it('never throws and never holds more than the cap, on any bytes in any chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }),
        fc.constantFrom<FramingSuffix>('CR', 'LF', 'CRLF', 0x00),
        (chunks, suffix) => {
          const f = framer({ suffix, maxFrameBytes: 128, prefix: raw(0x02), aim: 'required' });
          for (const chunk of chunks) {
            for (const o of f.push(chunk)) {
              if (o.kind === 'frame') expect(o.text.length).toBeGreaterThan(0);
            }
            expect(f.pendingBytes).toBeLessThanOrEqual(128);
          }
          f.flush();
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('serial framing: prefix and AIM symbology identifiers', () => {
  it('strips AIM identifiers into symbology: letter then digit or letter', () => {
    const f = framer();
    expect(f.push(bytes(']Q1tok\r]E04006381333931\r]C0ABC\r]d2010123\r]Xyz\r'))).toEqual([
      { kind: 'frame', text: 'tok', symbology: ']Q1', bytes: 6 },
      { kind: 'frame', text: '4006381333931', symbology: ']E0', bytes: 16 },
      { kind: 'frame', text: 'ABC', symbology: ']C0', bytes: 6 },
      { kind: 'frame', text: '010123', symbology: ']d2', bytes: 9 },
      { kind: 'frame', text: 'z', symbology: ']Xy', bytes: 4 },
    ]);
  });

  it('leaves look-alikes alone and keeps GS (FNC1) inside the code', () => {
    expect(framer().push(bytes(']1Q12\r]Q\r'))).toEqual([
      { kind: 'frame', text: ']1Q12', bytes: 5 },
      { kind: 'frame', text: ']Q', bytes: 2 },
    ]);
    expect(texts(framer().push(bytes(']C101034531200000111\x1d10ABC\r')))).toEqual(['01034531200000111\x1d10ABC']);
  });

  it("'off' keeps identifiers in the text; 'required' reports codes without one and still emits them", () => {
    expect(framer({ aim: 'off' }).push(bytes(']Q1tok\r'))).toEqual([{ kind: 'frame', text: ']Q1tok', bytes: 6 }]);
    expect(framer({ aim: 'required' }).push(bytes('2900\r'))).toEqual([
      { kind: 'diagnostic', code: 'missing-aim-id', bytes: 4 },
      { kind: 'frame', text: '2900', bytes: 4 },
    ]);
  });

  it('a prefix is stripped; noise before it is reported and dropped; a frame without it is dropped', () => {
    const f = framer({ prefix: raw(0x02), suffix: 0x03 });
    expect(
      f.push(join(raw(0x02), bytes(']E0123'), raw(0x03), bytes('zz'), raw(0x02), bytes('456'), raw(0x03), bytes('789'), raw(0x03))),
    ).toEqual([
      { kind: 'frame', text: '123', symbology: ']E0', bytes: 7 },
      { kind: 'diagnostic', code: 'noise', bytes: 2 },
      { kind: 'frame', text: '456', bytes: 6 },
      { kind: 'diagnostic', code: 'missing-prefix', bytes: 3 },
    ]);
  });

  it('a multi-byte prefix split across chunks', () => {
    const wire = bytes('@@29001\n');
    for (let cut = 0; cut <= wire.length; cut++) {
      expect(texts(run(framer({ prefix: bytes('@@'), suffix: 'LF' }), [wire.subarray(0, cut), wire.subarray(cut)]))).toEqual(['29001']);
    }
  });
});
