import type { CDPSession } from 'playwright-core';

interface KeyDef {
  key: string;
  code: string;
  keyCode: number;
  text?: string;
}

function keyDef(key: string): KeyDef {
  if (key === 'Enter') return { key, code: 'Enter', keyCode: 13, text: '\r' };
  if (key === 'Tab') return { key, code: 'Tab', keyCode: 9 };
  if (key === 'Shift') return { key, code: 'ShiftLeft', keyCode: 16 };
  if (key === '-') return { key, code: 'Minus', keyCode: 189, text: key };
  if (/^[0-9]$/.test(key)) return { key, code: `Digit${key}`, keyCode: key.charCodeAt(0), text: key };
  if (/^[a-zA-Z]$/.test(key)) return { key, code: `Key${key.toUpperCase()}`, keyCode: key.toUpperCase().charCodeAt(0), text: key };
  return { key, code: '', keyCode: 0, text: key };
}

/**
 * A USB scanner's burst: `keys` pressed `spacingMs` apart (`Shift+A` holds Shift around the key),
 * queued in the browser all at once through CDP, each stamped with the time the scanner sends it,
 * as a real keyboard's events carry the time the key arrived. Typed one round trip at a time, a
 * loaded test machine would put gaps between keys that no scanner makes.
 */
export async function sendBurst(cdp: CDPSession, keys: readonly string[], spacingMs: number): Promise<void> {
  const send = (type: 'keyDown' | 'keyUp', def: KeyDef, at: number, modifiers: number) =>
    cdp.send('Input.dispatchKeyEvent', {
      type,
      key: def.key,
      code: def.code,
      modifiers,
      timestamp: at / 1000,
      ...(def.keyCode > 0 ? { windowsVirtualKeyCode: def.keyCode } : {}),
      ...(type === 'keyDown' && def.text !== undefined ? { text: def.text, unmodifiedText: def.text } : {}),
    });
  const start = Date.now();
  const shift = keyDef('Shift');
  await Promise.all(
    keys.flatMap((k, i) => {
      const shifted = k.startsWith('Shift+');
      const def = keyDef(shifted ? k.slice('Shift+'.length) : k);
      const at = start + i * spacingMs;
      const modifiers = shifted ? 8 : 0;
      return [
        ...(shifted ? [send('keyDown', shift, at, modifiers)] : []),
        send('keyDown', def, at + spacingMs * 0.2, modifiers),
        send('keyUp', def, at + spacingMs * 0.4, modifiers),
        ...(shifted ? [send('keyUp', shift, at + spacingMs * 0.6, 0)] : []),
      ];
    }),
  );
}
