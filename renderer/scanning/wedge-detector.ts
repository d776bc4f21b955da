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
  let lastAt = 0;

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
    held = [];
    if (burst.length >= c.minLength) {
      const scan = toScan(burst, at);
      return scan ? { swallow: true, release: [], scan } : { swallow: true, release: [] };
    }
    return pass(burst);
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
      if (command || repeat) return after(late, held.length > 0 ? end() : pass());

      if (c.terminators.includes(key)) {
        if (held.length === 0) return late;
        // A scan's terminator is swallowed with it; a person's Enter or Tab goes through, after their keys.
        return after(late, end(at));
      }

      if (!isCharacterKey(key)) return after(late, held.length > 0 ? end() : pass());

      // A confirmed burst followed by a character slower than a scanner's: the scan ended without terminator.
      const slow = held.length >= c.minLength && at - lastAt > c.maxGapMs ? end() : pass();
      held.push(key);
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
