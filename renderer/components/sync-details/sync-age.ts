/**
 * How long something has waited, in the largest whole unit that fits
 * ("3 hours ago", "vor 3 Stunden"), for the sync details.
 */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

export function ageUnit(ms: number): { value: number; unit: Intl.RelativeTimeFormatUnit } {
  const abs = Math.max(0, ms);
  for (const [unit, size] of UNITS) if (abs >= size) return { value: Math.floor(abs / size), unit };
  return { value: 0, unit: 'second' };
}

export function formatAge(ms: number, locale: string): string {
  const { value, unit } = ageUnit(ms);
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-value, unit);
}
