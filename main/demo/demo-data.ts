/**
 * Demo data for `npm start`: a store, staff with documented PINs, a programme
 * with tiers, promotions and rewards, products with barcodes and a few
 * thousand members. Generated from a fixed seed, so every demo looks the same.
 * Only the demo start-up imports this file: demo data never reaches a real
 * installation.
 */
import { prng } from '../../shared/prng.ts';
import { programConfigSchema, type ProgramConfig } from '../../shared/program.ts';
import { gs1CheckDigit, luhnCheckDigit } from '../backend/scanning/check-digit.ts';

export const DEMO_STORE = { id: 'demo-store', name: 'Demo Market', timeZone: 'Europe/Berlin', currency: 'EUR' } as const;
export const DEMO_LOCALE = 'de-DE';

/** Printed in the README and at start-up. Demo only. */
export const DEMO_STAFF = [
  { id: 'cashier-1', name: 'Carla Cashier', role: 'cashier', pin: '1234' },
  { id: 'manager-1', name: 'Max Manager', role: 'manager', pin: '567890' },
  { id: 'admin-1', name: 'Ada Admin', role: 'admin', pin: '999999' },
] as const;

export const DEMO_CARD_RANGE = { prefix: '2900', length: 16, checkDigit: 'luhn' } as const;

export function demoProgram(version = 1): ProgramConfig {
  return programConfigSchema.parse({
    version,
    currency: DEMO_STORE.currency,
    timeZone: DEMO_STORE.timeZone,
    earn: {
      points: 1,
      perMinor: 100,
      minSpendMinor: 100,
      rules: [
        {
          match: { kind: 'category', category: 'tobacco' },
          effect: { kind: 'exclude' },
          label: 'No points on tobacco',
          labels: { en: 'No points on tobacco', de: 'Keine Punkte auf Tabakwaren' },
        },
        {
          match: { kind: 'category', category: 'gift-card' },
          effect: { kind: 'exclude' },
          label: 'No points on gift cards',
          labels: { en: 'No points on gift cards', de: 'Keine Punkte auf Geschenkkarten' },
        },
        {
          match: { kind: 'category', category: 'organic' },
          effect: { kind: 'multiplier', multiplier: 2 },
          label: 'Organic: double points',
          labels: { en: 'Organic: double points', de: 'Bio: doppelte Punkte' },
        },
        {
          match: { kind: 'sku', sku: 'COFFEE-1KG' },
          effect: { kind: 'multiplier', multiplier: 3 },
          label: 'Coffee beans: triple points',
          labels: { en: 'Coffee beans: triple points', de: 'Kaffeebohnen: dreifache Punkte' },
        },
      ],
      promotions: [
        {
          id: 'saturday',
          label: 'Double points Saturday',
          labels: { en: 'Double points Saturday', de: 'Samstags doppelte Punkte' },
          weekdays: [6],
          multiplier: 2,
        },
        {
          id: 'happy-hour',
          label: 'Happy hour bonus',
          labels: { en: 'Happy hour bonus', de: 'Happy-Hour-Bonus' },
          startTime: '17:00',
          endTime: '19:00',
          bonusPoints: 20,
        },
      ],
    },
    tiers: {
      levels: [
        { id: 'bronze', label: 'Bronze', labels: { en: 'Bronze', de: 'Bronze' }, threshold: 0, multiplier: 1 },
        { id: 'silver', label: 'Silver', labels: { en: 'Silver', de: 'Silber' }, threshold: 500, multiplier: 1.25 },
        { id: 'gold', label: 'Gold', labels: { en: 'Gold', de: 'Gold' }, threshold: 2000, multiplier: 1.5 },
      ],
      windowMonths: 12,
    },
    bonuses: {
      enrolment: 100,
      birthday: 200,
      nthPurchase: { n: 5, withinDays: 30, points: 50 },
      referral: { referrer: 150, referee: 100 },
    },
    redeem: { points: 100, valueMinor: 100, minPoints: 100, stepPoints: 50, maxBasketPercent: 50 },
    rewards: [
      {
        kind: 'product',
        id: 'free-coffee',
        label: 'Free coffee',
        labels: { en: 'Free coffee', de: 'Gratis-Kaffee' },
        points: 300,
        sku: 'COFFEE-CUP',
      },
      { kind: 'voucher', id: 'voucher-10', label: '€10 voucher', labels: { en: '€10 voucher', de: '10-€-Gutschein' }, points: 1000 },
      { kind: 'voucher', id: 'spa-day', label: 'Spa day', labels: { en: 'Spa day', de: 'Wellnesstag' }, points: 5000, minTier: 'gold' },
    ],
    expiry: { months: 24 },
    cards: { ranges: [DEMO_CARD_RANGE] },
    categories: [
      { id: 'bakery', label: 'Bakery', labels: { en: 'Bakery', de: 'Backwaren' } },
      { id: 'coffee', label: 'Coffee', labels: { en: 'Coffee', de: 'Kaffee' } },
      { id: 'deli', label: 'Deli', labels: { en: 'Deli', de: 'Feinkost' } },
      { id: 'drinks', label: 'Drinks', labels: { en: 'Drinks', de: 'Getränke' } },
      { id: 'flowers', label: 'Flowers', labels: { en: 'Flowers', de: 'Blumen' } },
      { id: 'gift-card', label: 'Gift cards', labels: { en: 'Gift cards', de: 'Geschenkkarten' } },
      { id: 'organic', label: 'Organic', labels: { en: 'Organic', de: 'Bio' } },
      { id: 'sweets', label: 'Sweets', labels: { en: 'Sweets', de: 'Süßwaren' } },
      { id: 'tobacco', label: 'Tobacco', labels: { en: 'Tobacco', de: 'Tabakwaren' } },
    ],
  });
}

const ean13 = (stem12: string) => stem12 + String(gs1CheckDigit(stem12));

export const DEMO_PRODUCTS = [
  { sku: 'COFFEE-CUP', name: 'Coffee to go', category: 'drinks', priceMinor: 350, barcodes: [ean13('400638133393')] },
  { sku: 'COFFEE-1KG', name: 'Coffee beans 1 kg', category: 'coffee', priceMinor: 1500, barcodes: [ean13('544900000099')] },
  { sku: 'APPLES', name: 'Organic apples 1 kg', category: 'organic', priceMinor: 400, barcodes: [ean13('400041702500')] },
  { sku: 'BREAD', name: 'Sourdough bread', category: 'bakery', priceMinor: 450, barcodes: [ean13('401234500001')] },
  { sku: 'MILK', name: 'Organic milk 1 l', category: 'organic', priceMinor: 149, barcodes: [ean13('401234500002')] },
  { sku: 'CHEESE', name: 'Mountain cheese 200 g', category: 'deli', priceMinor: 399, barcodes: [ean13('401234500003')] },
  { sku: 'WINE', name: 'Red wine 0.75 l', category: 'drinks', priceMinor: 899, barcodes: [ean13('401234500004')] },
  { sku: 'CHOCOLATE', name: 'Dark chocolate', category: 'sweets', priceMinor: 249, barcodes: [ean13('401234500005')] },
  { sku: 'FLOWERS', name: 'Tulips, bunch', category: 'flowers', priceMinor: 699, barcodes: [ean13('401234500006')] },
  { sku: 'CIGARETTES', name: 'Cigarettes', category: 'tobacco', priceMinor: 800, barcodes: [ean13('900249010007')] },
  { sku: 'GIFT-25', name: 'Gift card €25', category: 'gift-card', priceMinor: 2500, barcodes: [ean13('401234500007')] },
];

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hugo',
  'Ida',
  'Jonas',
  'Lea',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
  'Rosa',
  'Sami',
  'Tara',
  'Umut',
  'Vera',
];
const LAST = [
  'Schmidt',
  'Müller',
  'Weber',
  'Fischer',
  'Wagner',
  'Becker',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Neumann',
  'Braun',
  'Zimmermann',
  'Krüger',
];

export interface DemoMember {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  birthDate: string;
  cardNumber: string;
  points: number;
}

/** `count` members with cards from the demo range and some points; member n has card 2900 0000 0000 n+check. */
export function demoMembers(count: number, seed = 42): DemoMember[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const members: DemoMember[] = [];
  for (let n = 1; n <= count; n++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const body = `2900${String(n).padStart(11, '0')}`;
    const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
    members.push({
      // Deterministic UUIDs (version 4 layout) so a restarted demo finds the same members.
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      name: `${first} ${last}`,
      phone: `+49151${String(1_000_000 + n).padStart(8, '0')}`,
      email: random() < 0.6 ? `${first}.${last}.${n}@example.com`.toLowerCase() : null,
      birthDate: `${1950 + Math.floor(random() * 55)}-${month}-${day}`,
      cardNumber: body + String(luhnCheckDigit(body)),
      points: Math.floor(random() * 40) * 50,
    });
  }
  return members;
}
