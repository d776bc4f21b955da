/**
 * The pull cursor: the last change-sequence value a terminal has, opaque to it
 * ("c1." + base64url of the number) so the server may change its meaning later.
 */
import { HttpError } from '../http/errors.ts';

const PREFIX = 'c1.';

export function encodeCursor(seq: number): string {
  return PREFIX + Buffer.from(String(seq)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const text = cursor.startsWith(PREFIX) ? Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString() : '';
  if (!/^\d{1,15}$/.test(text))
    throw new HttpError(400, 'VALIDATION', 'The cursor is not one this server gave out. Pull again from the start (no cursor).', {
      issues: [{ path: ['cursor'], message: 'unknown cursor' }],
    });
  return Number(text);
}
