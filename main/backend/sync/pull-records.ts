/**
 * Reads a page of GET /v1/changes record by record. The envelope is checked
 * strictly (cursor, flags, programmes, keys, revoked tokens: a page without a
 * readable one must not move the cursor), then each member, product and staff
 * record on its own: one the contract refuses (a balance beyond the protocol's
 * bounds, a lot that is not a whole number…) is left out and reported, so it
 * cannot stop every other record of the chain from reaching this till, and
 * the pull from moving on forever after. Pure: no I/O.
 */
import { z, type ZodType } from 'zod';
import {
  memberRecordSchema,
  productRecordSchema,
  pullResponseSchema,
  staffRecordSchema,
  type PullResponse,
} from '../../../shared/sync-protocol.ts';
import type { UnreadableKind, UnreadableRecord } from '../store/unreadable-records.ts';

/** The page as the client checks it: every field strictly, but the records of each kind only as a list. */
export const pullEnvelopeSchema = pullResponseSchema.extend({
  members: z.array(z.unknown()),
  products: z.array(z.unknown()),
  staff: z.array(z.unknown()),
});
export type PullEnvelope = z.infer<typeof pullEnvelopeSchema>;

export interface ReadPage {
  /** The page with only its readable records. */
  page: PullResponse;
  unreadable: UnreadableRecord[];
}

const ID_FIELDS: Record<UnreadableKind, string> = { member: 'id', product: 'sku', staff: 'id' };

export function readPullPage(envelope: PullEnvelope): ReadPage {
  const unreadable: UnreadableRecord[] = [];
  const read = <T>(kind: UnreadableKind, schema: ZodType<T>, records: readonly unknown[]): T[] => {
    const out: T[] = [];
    records.forEach((record, index) => {
      const parsed = schema.safeParse(record);
      if (parsed.success) out.push(parsed.data);
      else unreadable.push({ kind, recordId: recordIdOf(kind, record) ?? `#${envelope.nextCursor.slice(0, 150)}:${index}` });
    });
    return out;
  };
  const page: PullResponse = {
    ...envelope,
    members: read('member', memberRecordSchema, envelope.members),
    products: read('product', productRecordSchema, envelope.products),
    staff: read('staff', staffRecordSchema, envelope.staff),
  };
  return { page, unreadable };
}

/** The id of a record the contract refused, when the id itself is readable (the contract's shape for it). */
function recordIdOf(kind: UnreadableKind, record: unknown): string | null {
  if (typeof record !== 'object' || record === null) return null;
  const id = (record as Record<string, unknown>)[ID_FIELDS[kind]];
  const shape =
    kind === 'member' ? memberRecordSchema.shape.id : kind === 'product' ? productRecordSchema.shape.sku : staffRecordSchema.shape.id;
  return shape.safeParse(id).success ? (id as string) : null;
}
