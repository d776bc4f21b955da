import { describe, expect, it } from 'vitest';
import {
  createWedgeDetector,
  isModifierKey,
  WEDGE_DEFAULTS,
  type WedgeConfig,
  type WedgeDecision,
  type WedgeDetector,
} from '../../../renderer/scanning/wedge-detector.ts';
import type { ScanEvent } from '../../../shared/scan.ts';

/** One keystroke: the key and the ms since the previous one. */
type Stroke = [key: string, gapMs: number];

interface Outcome {
  /** What reached the page, in order: characters as typed, other keys as ‹Name› (modifiers left out). */
  page: string;
  scans: ScanEvent[];
}

const T0 = 1_700_000_000_000;

/**
 * Plays keystrokes into a detector as the listener would: a timer fires at each deadline that
 * passes before the next key (unless `timers` is false: a busy page whose timers run late).
 */
function play(detector: WedgeDetector, strokes: Stroke[], { timers = true, tail = 1_000 } = {}): Outcome {
  const out: Outcome = { page: '', scans: [] };
  const take = (d: WedgeDecision, key?: string) => {
    out.page += d.release.join('');
    if (d.scan) out.scans.push(d.scan);
    if (key !== undefined && !d.swallow && !isModifierKey(key)) out.page += key.length === 1 ? key : `‹${key}›`;
  };
  let at = T0;
  const fireTimersUntil = (until: number) => {
    for (let deadline = detector.deadline; timers && deadline !== undefined && deadline < until; deadline = detector.deadline) {
      take(detector.expire(deadline + 1));
    }
  };
  for (const [key, gap] of strokes) {
    at += gap;
    fireTimersUntil(at);
    take(detector.key({ key, at }), key);
  }
  fireTimersUntil(at + tail);
  if (!timers) take(detector.expire(at + tail));
  return out;
}

/** Every character of `text` at `gapMs`, then the terminator at the same pace. */
const typed = (text: string, gapMs: number, terminator?: string): Stroke[] => [
  ...[...text].map((ch): Stroke => [ch, gapMs]),
  ...(terminator ? [[terminator, gapMs] as Stroke] : []),
];

const detect = (strokes: Stroke[], config: Partial<WedgeConfig> = {}, opts?: { timers?: boolean }) =>
  play(createWedgeDetector(config), strokes, opts);

const texts = (o: Outcome) => o.scans.map((s) => s.text);

describe('wedge detector: scanner bursts', () => {
  for (const gap of [5, 10, 20]) {
    for (const terminator of ['Enter', 'Tab']) {
      it(`a burst at ${gap} ms per key ending in ${terminator} is one scan, nothing reaches the page`, () => {
        const out = detect(typed('4006381333931', gap, terminator));
        expect(out.scans).toEqual([{ source: 'wedge', text: '4006381333931', at: T0 + 14 * gap }]);
        expect(out.page).toBe('');
      });
    }
  }

  it('a longer first gap is allowed (scanners pause after the first character)', () => {
    const out = detect([['9', 50], ...typed('6385074', 8, 'Enter')]);
    expect(texts(out)).toEqual(['96385074']);
    expect(out.page).toBe('');
  });

  it('Shift for capitals neither breaks nor extends the burst', () => {
    const strokes: Stroke[] = [];
    for (const ch of 'ABC-123xyz') strokes.push(...(/[A-Z]/.test(ch) ? [['Shift', 4] as Stroke, [ch, 4] as Stroke] : [[ch, 8] as Stroke]));
    const out = detect([...strokes, ['Enter', 8]]);
    expect(texts(out)).toEqual(['ABC-123xyz']);
    expect(out.page).toBe('');
  });

  it('strips the configured prefix and suffix', () => {
    const out = detect(typed('#CARD2900000012345$', 10, 'Enter'), { prefix: '#CARD', suffix: '$' });
    expect(texts(out)).toEqual(['2900000012345']);
  });

  it('a prefix or suffix the burst does not carry is not stripped from the code', () => {
    const out = detect(typed('2900000012345', 10, 'Enter'), { prefix: '#', suffix: '$' });
    expect(texts(out)).toEqual(['2900000012345']);
  });

  it('takes a leading AIM identifier into symbology', () => {
    const out = detect(typed(']E04006381333931', 10, 'Enter'));
    expect(out.scans).toEqual([{ source: 'wedge', symbology: ']E0', text: '4006381333931', at: expect.any(Number) }]);
  });

  it('leaves a leading ] alone when AIM identifiers are off', () => {
    expect(texts(detect(typed(']E04006381333931', 10, 'Enter'), { aimSymbology: false }))).toEqual([']E04006381333931']);
  });

  it('an unterminated burst ends on the timeout', () => {
    const out = detect(typed('4006381333931', 10));
    expect(texts(out)).toEqual(['4006381333931']);
    expect(out.page).toBe('');
  });

  it('with no terminators configured, the timeout is how every scan ends, and Enter is then a key', () => {
    const out = detect([...typed('4006381333931', 10), ['Enter', 300]], { terminators: [] });
    expect(texts(out)).toEqual(['4006381333931']);
    expect(out.page).toBe('‹Enter›');
  });

  it('two scans back to back are two scans', () => {
    const out = detect([...typed('4006381333931', 10, 'Enter'), ...typed('96385074', 10, 'Enter')]);
    expect(texts(out)).toEqual(['4006381333931', '96385074']);
    expect(out.page).toBe('');
  });

  it('a burst whose next character comes slowly ends there, without terminator, and the slow key is a person', () => {
    const out = detect([...typed('4006381333931', 10), ['a', 70]]);
    expect(texts(out)).toEqual(['4006381333931']);
    expect(out.page).toBe('a');
  });

  it('gives the same answers when the timers run late (decided lazily on the next key)', () => {
    const strokes: Stroke[] = [...typed('hi', 150), ...typed('4006381333931', 10, 'Enter'), ...typed('ok', 150)];
    expect(detect(strokes, {}, { timers: false })).toEqual(detect(strokes));
  });
});

describe('wedge detector: a person typing', () => {
  for (const gap of [80, 120, 250]) {
    it(`typing at ${gap} ms per key arrives whole and in order, Enter included`, () => {
      const out = detect(typed('Jane Doe 42', gap, 'Enter'));
      expect(out.scans).toEqual([]);
      expect(out.page).toBe('Jane Doe 42‹Enter›');
    });
  }

  it('a fast pair (20 ms) inside slow typing is given back in order', () => {
    const out = detect([
      ['t', 0],
      ['h', 20],
      ['e', 150],
      [' ', 120],
      ['c', 130],
      ['a', 15],
      ['t', 140],
    ]);
    expect(out.page).toBe('the cat');
    expect(out.scans).toEqual([]);
  });

  it('a fast run below minLength then Enter submits the typed text: the keys come back before the Enter', () => {
    const out = detect([...typed('12', 200), ...typed('345', 20), ['Enter', 20]]);
    expect(out.scans).toEqual([]);
    expect(out.page).toBe('12345‹Enter›');
  });

  it('a burst then a person typing: the scan, then every typed key', () => {
    const out = detect([...typed('4006381333931', 8, 'Enter'), ...typed('qty 2', 130, 'Enter')]);
    expect(texts(out)).toEqual(['4006381333931']);
    expect(out.page).toBe('qty 2‹Enter›');
  });

  it('a person typing then a burst: typed keys first, the scan never on the page', () => {
    // A key typed within a scanner's gap of the scan's first character would join it: no hand is that quick.
    const out = detect([...typed('abc', 120), ['4', 300], ...typed('006381333931', 8, 'Enter'), ...typed('d', 120)]);
    expect(texts(out)).toEqual(['4006381333931']);
    expect(out.page).toBe('abcd');
  });

  it('a named key (Backspace, arrows) gives the held keys back first, then passes', () => {
    const out = detect([
      ['a', 0],
      ['b', 10],
      ['Backspace', 10],
      ['c', 10],
      ['ArrowLeft', 10],
    ]);
    expect(out.page).toBe('ab‹Backspace›c‹ArrowLeft›');
  });

  it('a shortcut (Ctrl+V) and auto-repeat are never part of a scan', () => {
    const detector = createWedgeDetector();
    const decisions = [
      detector.key({ key: 'a', at: 0 }),
      detector.key({ key: 'v', at: 5, command: true }),
      detector.key({ key: 'x', at: 10 }),
      ...[15, 20, 25, 30, 35, 40, 45].map((at) => detector.key({ key: 'x', at, repeat: true })),
    ];
    expect(decisions.map((d) => [d.swallow, d.release.join('')])).toEqual([
      [true, ''],
      [false, 'a'],
      [true, ''],
      [false, 'x'],
      ...Array.from({ length: 6 }, () => [false, '']),
    ]);
    expect(detector.deadline).toBeUndefined();
  });

  it("flush gives back a person's held keys and completes a held scan", () => {
    const person = createWedgeDetector();
    person.key({ key: 'a', at: 0 });
    expect(person.flush()).toEqual({ swallow: false, release: ['a'] });
    const scanner = createWedgeDetector();
    for (const [i, ch] of [...'1234567'].entries()) scanner.key({ key: ch, at: i * 5 });
    expect(scanner.flush().scan?.text).toBe('1234567');
  });
});

describe('wedge detector: edge thresholds', () => {
  const { maxGapMs, firstGapMs, minLength, timeoutMs } = WEDGE_DEFAULTS;
  const burst = (first: number, rest: number, length = 8): Stroke[] => [
    ['1', 0],
    ['2', first],
    ...typed('345678901234'.slice(0, length - 2), rest),
    ['Enter', rest],
  ];

  it('gaps of exactly maxGapMs (and firstGapMs first) still make a scan', () => {
    expect(texts(detect(burst(firstGapMs, maxGapMs)))).toEqual(['12345678']);
  });

  it('one gap of maxGapMs + 1 in the middle breaks the burst: a person, nothing eaten', () => {
    const strokes: Stroke[] = [...typed('1234', 10), ['5', maxGapMs + 1], ...typed('678', 10), ['Enter', 10]];
    const out = detect(strokes);
    expect(out.scans).toEqual([]);
    expect(out.page).toBe('12345678‹Enter›');
  });

  it('a first gap of firstGapMs + 1 is a person', () => {
    const out = detect(burst(firstGapMs + 1, 10, minLength));
    expect(out.scans).toEqual([]);
    expect(out.page).toBe(`${'1234567890'.slice(0, minLength)}‹Enter›`);
  });

  it(`exactly minLength (${minLength}) fast characters is a scan; one fewer is a person`, () => {
    expect(texts(detect(typed('123456'.slice(0, minLength), 10, 'Enter')))).toEqual(['123456'.slice(0, minLength)]);
    const short = detect(typed('123456'.slice(0, minLength - 1), 10, 'Enter'));
    expect(short.scans).toEqual([]);
    expect(short.page).toBe(`${'123456'.slice(0, minLength - 1)}‹Enter›`);
  });

  it('minLength counts the prefix and suffix, and a burst that is only prefix and suffix reports nothing', () => {
    const out = detect(typed('<<>>>>', 10, 'Enter'), { prefix: '<<', suffix: '>>>>' });
    expect(out.scans).toEqual([]);
    expect(out.page).toBe('');
  });

  it(`a terminator up to timeoutMs (${timeoutMs}) after a burst is swallowed with it; a later one passes`, () => {
    const onTime = detect([...typed('4006381333931', 10), ['Enter', timeoutMs]]);
    expect([texts(onTime), onTime.page]).toEqual([['4006381333931'], '']);
    const late = detect([...typed('4006381333931', 10), ['Enter', timeoutMs + 1]]);
    expect([texts(late), late.page]).toEqual([['4006381333931'], '‹Enter›']);
  });

  it('configurable thresholds: a slow scanner at 60 ms per key with maxGapMs 70', () => {
    expect(texts(detect(typed('4006381333931', 60, 'Enter'), { maxGapMs: 70, firstGapMs: 90 }))).toEqual(['4006381333931']);
    expect(texts(detect(typed('4006381333931', 60, 'Enter')))).toEqual([]);
  });

  it('the deadline says when the held keys will be decided', () => {
    const d = createWedgeDetector();
    expect(d.deadline).toBeUndefined();
    d.key({ key: '1', at: 1000 });
    expect(d.deadline).toBe(1000 + firstGapMs);
    d.key({ key: '2', at: 1010 });
    expect(d.deadline).toBe(1010 + maxGapMs);
    expect(d.expire(1010 + maxGapMs)).toEqual({ swallow: false, release: [] });
    expect(d.expire(1011 + maxGapMs)).toEqual({ swallow: false, release: ['1', '2'] });
    expect(d.deadline).toBeUndefined();
  });
});

describe('wedge detector: a scanner burst a loaded machine delivered in pieces', () => {
  /** Plays strokes with timers on time, and collects the unclear bursts too. */
  const pieces = (strokes: Stroke[], config: Partial<WedgeConfig> = {}) => {
    const detector = createWedgeDetector(config);
    const unclear: string[] = [];
    const scans: string[] = [];
    let page = '';
    let at = T0;
    const take = (d: WedgeDecision, key?: string) => {
      page += d.release.join('');
      if (d.scan) scans.push(d.scan.text);
      if (d.unclear) unclear.push(d.unclear.text);
      if (key !== undefined && !d.swallow && !isModifierKey(key)) page += key.length === 1 ? key : `‹${key}›`;
    };
    for (const [key, gap] of strokes) {
      at += gap;
      for (let deadline = detector.deadline; deadline !== undefined && deadline < at; deadline = detector.deadline)
        take(detector.expire(deadline + 1));
      take(detector.key({ key, at }), key);
    }
    for (let deadline = detector.deadline; deadline !== undefined; deadline = detector.deadline) take(detector.expire(deadline + 1));
    return { unclear, scans, page };
  };
  /** `text` in pieces of `size` keys 5 ms apart, with `stallMs` between pieces, then Enter. */
  const stalled = (text: string, size: number, stallMs: number): Stroke[] => [
    ...[...text].map((ch, i): Stroke => [ch, i === 0 ? 0 : i % size === 0 ? stallMs : 5]),
    ['Enter', 5],
  ];

  for (const stall of [80, 200, 600]) {
    it(`pieces of 4 keys with ${stall} ms stalls, each too short for a scan, end as one unclear scan of the whole code`, () => {
      const out = pieces(stalled('4006381333931', 4, stall));
      expect(out.scans).toEqual([]);
      expect(out.unclear).toEqual(['4006381333931']);
    });
  }

  it('pieces long enough to be scans are those scans (the screen refuses each with its reason), and nothing is unclear', () => {
    const out = pieces(stalled('29000000000000015', 10, 150));
    expect(out.scans).toEqual(['2900000000', '0000015']);
    expect(out.unclear).toEqual([]);
  });

  it('a person typing, slowly or with rolled pairs, is never unclear', () => {
    expect(pieces(typed('123456', 90, 'Enter')).unclear).toEqual([]);
    expect(pieces(typed('Jane Doe 42', 130, 'Enter')).unclear).toEqual([]);
    const rolled: Stroke[] = [
      ['j', 0],
      ['a', 20],
      ['n', 140],
      ['e', 25],
      [' ', 150],
      ['d', 130],
      ['o', 20],
      ['e', 160],
      ['Enter', 200],
    ];
    expect(pieces(rolled).unclear).toEqual([]);
  });

  it('a pause longer than unclearGapMs, another key (Backspace) or no terminator ends the run', () => {
    expect(pieces(stalled('4006381333931', 4, 1_500)).unclear).toEqual([]);
    const corrected: Stroke[] = [...stalled('400638', 3, 150).slice(0, -1), ['Backspace', 100], ...stalled('1333', 2, 150)];
    expect(pieces(corrected).unclear).toEqual([]);
    expect(pieces(stalled('4006381333931', 4, 150).slice(0, -1)).unclear).toEqual([]);
  });
});
