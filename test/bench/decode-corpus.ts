import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A barcode photo corpus laid out like ZXing's black-box tests: one folder per
 * set with `N.png` and its expected text in `N.txt`, and `thresholds.json`
 * beside the sets giving the reference decoder's pass counts. Any folder of
 * that layout works; a set missing from thresholds.json is read at rotation 0
 * with no reference.
 */
export type Rotation = 0 | 90 | 180 | 270;

export interface CorpusImage {
  path: string;
  /** Expected text, trimmed; null in a `falsepositives-*` set, where any decode is wrong. */
  expected: string | null;
}

export interface CorpusSet {
  name: string;
  falsePositives: boolean;
  images: CorpusImage[];
  rotations: Rotation[];
  /** Per rotation, [without, with] try-harder: correct decodes the reference makes. */
  reference: Partial<Record<Rotation, [number, number]>>;
  /** [without, with] try-harder: misreads the reference tolerates. */
  maxMisreads: [number, number];
  /** Per rotation: decodes tolerated on images without a code. */
  maxFalsePositives: Partial<Record<Rotation, number>>;
}

interface ThresholdsFile {
  sets?: Record<
    string,
    { rotations?: Record<string, [number, number]>; max_misreads?: [number, number]; max_false_positives?: Record<string, number> }
  >;
}

const ROTATIONS: readonly Rotation[] = [0, 90, 180, 270];
const asRotation = (key: string): Rotation | undefined => ROTATIONS.find((r) => String(r) === key);

export function readCorpus(dir: string): CorpusSet[] {
  if (!existsSync(dir)) throw new Error(`no corpus at ${dir} (give one with --corpus DIR)`);
  const thresholdsPath = join(dir, 'thresholds.json');
  const thresholds: ThresholdsFile = existsSync(thresholdsPath) ? (JSON.parse(readFileSync(thresholdsPath, 'utf8')) as ThresholdsFile) : {};
  const sets: CorpusSet[] = [];
  for (const name of readdirSync(dir).sort()) {
    const setDir = join(dir, name);
    if (!statSync(setDir).isDirectory()) continue;
    const falsePositives = name.startsWith('falsepositives');
    const images = readdirSync(setDir)
      .filter((f) => f.endsWith('.png'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .flatMap((f): CorpusImage[] => {
        const txt = join(setDir, f.replace(/\.png$/, '.txt'));
        if (falsePositives) return [{ path: join(setDir, f), expected: null }];
        // An image with no expectation cannot be scored: skipped, as ZXing's own tests do.
        return existsSync(txt) ? [{ path: join(setDir, f), expected: readFileSync(txt, 'utf8').trim() }] : [];
      });
    if (images.length === 0) continue;
    const t = thresholds.sets?.[name];
    const reference: CorpusSet['reference'] = {};
    for (const [key, counts] of Object.entries(t?.rotations ?? {})) {
      const r = asRotation(key);
      if (r !== undefined) reference[r] = counts;
    }
    const maxFalsePositives: CorpusSet['maxFalsePositives'] = {};
    for (const [key, count] of Object.entries(t?.max_false_positives ?? {})) {
      const r = asRotation(key);
      if (r !== undefined) maxFalsePositives[r] = count;
    }
    const listed = ROTATIONS.filter((r) => r in reference || r in maxFalsePositives);
    sets.push({
      name,
      falsePositives,
      images,
      rotations: listed.length > 0 ? listed : [0],
      reference,
      maxMisreads: t?.max_misreads ?? [0, 0],
      maxFalsePositives,
    });
  }
  return sets;
}
