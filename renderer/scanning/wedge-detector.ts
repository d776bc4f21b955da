import type { ScanEvent } from '../../shared/scan.ts';

/**
 * Tells a keyboard-wedge scanner's burst from a person typing, from key timing alone.
 *
 * Pure: keystrokes with timestamps in, decisions out; no DOM, no clock, no timers. The caller
 * (wedge-listener.ts) swallows what the detector holds, gives back what it releases, and calls
 * `expire()` when `deadline` passes.
 *
 * Why hold at all: the first characters of a scan look exactly like a keystroke. They must not
 * reach the focused input, so every character is held until the detector can tell: a person's
 * characters come back (in order, a few tens of ms late), a scanner's never do.
 */

export interface WedgeConfig {
  /** Longest gap between two keys of a scan, ms. Every gap of the burst must be within it. */
  maxGapMs: number;
  /** Longest gap between a scan's first and second key: some scanners pause after the first. */
  firstGapMs: number;
  /** Fewest characters (prefix and suffix included) for a fast burst to count as a scan. */
  minLength: number;
  /** Key names that end a scan; swallowed with it. Empty when the scanner sends none. */
  terminators: readonly string[];
  /** How long a burst of minLength or more waits for its terminator or more keys, ms; then it is a scan. */
  timeoutMs: number;
  /** Characters the scanner is programmed to send before / after each code; stripped. */
  prefix: string;
  suffix: string;
  /** Take a leading AIM identifier (']E0', ']Q1', ...) off the text into `symbology`. */
  aimSymbology: boolean;
  /**
   * Longest pause inside an unclear burst, ms (see WedgeDecision.unclear): a scanner's keys that a
   * starved machine delivered in pieces, each piece too short to be a scan.
   */
  unclearGapMs: number;
}

/**
 * Scanners send a key every 2–20 ms; people rarely go under 50 ms between keys, and when they do
 * (a rolled pair) it is for 2–3 keys, far from minLength. A person's key comes back firstGapMs
 * (60 ms) late at most when typed alone.
 */
export const WEDGE_DEFAULTS: Readonly<WedgeConfig> = Object.freeze({
  maxGapMs: 35,
  firstGapMs: 60,
  minLength: 6,
  terminators: Object.freeze(['Enter', 'Tab']),
  timeoutMs: 100,
  prefix: '',
  suffix: '',
  aimSymbology: true,
  unclearGapMs: 1_000,
});

export interface WedgeKey {
  /** KeyboardEvent.key: one character, or a named key ('Enter', 'Shift', 'ArrowLeft', ...). */
  key: string;
  /** ms; any monotonic clock, the same one `expire()` is given. */
  at: number;
  /** Ctrl/Meta/Alt shortcut, IME composition or dead key: never part of a scan. */
  command?: boolean;
  /** Auto-repeat from a held key: fast, but a person. */
  repeat?: boolean;
}

export interface WedgeDecision {
  /** Keep this key from the page: it is held, or part of a scan. */
  swallow: boolean;
  /** Held characters that were a person's, oldest first: give them back before this key. */
  release: string[];
  scan?: ScanEvent;
  /**
   * Keys given back as a person's that a terminator ended, and that look like a scanner's all the
   * same: at least minLength characters, most of them in fast pieces, no pause longer than
   * unclearGapMs. On a loaded machine a scanner's burst arrives in pieces that are each too short
   * to be a scan, and would otherwise vanish (typed into nothing) with no tone and no message. The
   * listener treats it as a scan when the keys went to no text field (where a person's typing
   * would have gone nowhere either), so the screen resolves it or says why not.
   */
  unclear?: ScanEvent;
}

export interface WedgeDetector {
  key(input: WedgeKey): WedgeDecision;
  /** Time has passed with no key: ends whatever is held once `now` is past `deadline`. */
  expire(now: number): WedgeDecision;
  /** Ends whatever is held now (focus moved by the mouse, listener stopping). */
  flush(): WedgeDecision;
  /** When the held characters must be decided if no key comes first; undefined when nothing is held. */
  readonly deadline: number | undefined;
}

/** Modifiers are pressed by scanners too (Shift for capitals): they neither break nor extend a burst. */
const MODIFIERS = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'Meta',
  'CapsLock',
  'NumLock',
  'ScrollLock',
  'Fn',
  'FnLock',
  'Hyper',
  'Super',
  'Symbol',
  'SymbolLock',
  'OS',
]);

export const isModifierKey = (key: string): boolean => MODIFIERS.has(key);

/** One printable character (a named key such as 'Enter' or 'Dead' is longer). */
export const isCharacterKey = (key: string): boolean => key.length > 0 && [...key].length === 1;

const AIM_ID = /^\][A-Za-z][0-9A-Za-z]/;

export function createWedgeDetector(config: Partial<WedgeConfig> = {}): WedgeDetector {
  const c: WedgeConfig = { ...WEDGE_DEFAULTS, ...config };
  let held: string[] = [];
  let heldAt: number[] = [];
  let lastAt = 0;
  /** Characters given back as a person's since the last terminator, other key or scan, with when they came. */
  let run: { key: string; at: number }[] = [];

  const pass = (release: string[] = []): WedgeDecision => ({ swallow: false, release });

  /** The longest silence after the last held key that still lets the held keys become a scan. */
  const allowedGap = (): number => (held.length >= c.minLength ? c.timeoutMs : held.length === 1 ? c.firstGapMs : c.maxGapMs);

  const toScan = (burst: string[], at: number): ScanEvent | undefined => {
    let text = burst.join('');
    if (c.prefix && text.startsWith(c.prefix)) text = text.slice(c.prefix.length);
    if (c.suffix && text.endsWith(c.suffix)) text = text.slice(0, -c.suffix.length);
    let symbology: string | undefined;
    if (c.aimSymbology && AIM_ID.test(text)) {
      symbology = text.slice(0, 3);
      text = text.slice(3);
    }
    if (text === '') return undefined;
    return symbology === undefined ? { source: 'wedge', text, at } : { source: 'wedge', symbology, text, at };
  };

  /** Ends the held keys (`at`: when the scan's last key, its terminator if any, came): a scan when the burst was long enough, otherwise a person's keys given back. */
  const end = (at = lastAt): WedgeDecision => {
    const burst = held;
    const times = heldAt;
    held = [];
    heldAt = [];
    if (burst.length >= c.minLength) {
      run = [];
      const scan = toScan(burst, at);
      return scan ? { swallow: true, release: [], scan } : { swallow: true, release: [] };
    }
    if (burst.length > 0 && run.length > 0 && times[0]! - run.at(-1)!.at > c.unclearGapMs) run = [];
    burst.forEach((key, i) => run.push({ key, at: times[i]! }));
    return pass(burst);
  };

  /** Ends the run of given-back keys at a terminator: an unclear scan when it looks like a scanner's (see WedgeDecision.unclear). */
  const endRun = (decision: WedgeDecision, at: number): WedgeDecision => {
    const keys = run;
    run = [];
    if (decision.scan || keys.length < c.minLength || at - keys.at(-1)!.at > c.unclearGapMs) return decision;
    let fast = 0;
    for (let i = 1; i < keys.length; i++) if (keys[i]!.at - keys[i - 1]!.at <= c.maxGapMs) fast++;
    if (fast * 2 < keys.length - 1) return decision;
    const unclear = toScan(
      keys.map((k) => k.key),
      at,
    );
    return unclear ? { ...decision, unclear } : decision;
  };

  /** Merges an earlier decision (held keys ended late) with the one for the current key. */
  const after = (first: WedgeDecision, then: WedgeDecision): WedgeDecision => {
    const scan = then.scan ?? first.scan;
    const merged: WedgeDecision = { swallow: then.swallow, release: [...first.release, ...then.release] };
    return scan ? { ...merged, scan } : merged;
  };

  return {
    get deadline() {
      return held.length === 0 ? undefined : lastAt + allowedGap();
    },

    key({ key, at, command = false, repeat = false }) {
      if (isModifierKey(key)) return pass();
      // A late key ends the held burst first (the caller's timer may not have fired yet).
      const late = held.length > 0 && at - lastAt > allowedGap() ? end() : pass();
      if (command || repeat) {
        const decision = after(late, held.length > 0 ? end() : pass());
        run = [];
        return decision;
      }

      if (c.terminators.includes(key)) {
        // A scan's terminator is swallowed with it; a person's Enter or Tab goes through, after their keys.
        return endRun(held.length === 0 ? late : after(late, end(at)), at);
      }

      if (!isCharacterKey(key)) {
        const decision = after(late, held.length > 0 ? end() : pass());
        run = [];
        return decision;
      }

      // A confirmed burst followed by a character slower than a scanner's: the scan ended without terminator.
      const slow = held.length >= c.minLength && at - lastAt > c.maxGapMs ? end() : pass();
      held.push(key);
      heldAt.push(at);
      lastAt = Math.max(lastAt, at);
      return after(after(late, slow), { swallow: true, release: [] });
    },

    expire(now) {
      if (held.length === 0 || now - lastAt <= allowedGap()) return pass();
      return end();
    },

    flush() {
      return held.length === 0 ? pass() : end();
    },
  };
}
