/**
 * Administration commands (`npm run server -- <command>`). Each is a thin
 * wrapper over a function in server/admin/ or server/tokens/, which the demo
 * seed and tests call directly. Output is for people, except list commands,
 * which print JSON.
 *
 * A command runs in two steps: `input` reads what it needs from the
 * operator's machine (import files), always in the CLI's process; `run` works
 * on the database, in the CLI's process or, while a server holds the
 * database, inside that server (server/admin-channel/). So `run` never reads
 * a file: the server could be another user on another filesystem view.
 */
import { readFileSync } from 'node:fs';
import { expireDuePoints } from '../apply/expiry.ts';
import { listFlags, resolveFlag } from '../admin/flags.ts';
import { decideHeld, listHeld } from '../admin/held.ts';
import { FLAG_KINDS } from '../../shared/sync-protocol.ts';
import { importProducts, importProgram, importStaff } from '../admin/catalogue.ts';
import { importMembers } from '../admin/import-members.ts';
import { findMember, setMemberStatus, showMember } from '../admin/members.ts';
import { eraseMember, exportMember } from '../admin/member-privacy.ts';
import { assignMemberToStore } from '../admin/member-stores.ts';
import { createStore } from '../admin/stores.ts';
import { createPairingCode, listTerminals, revokeTerminal } from '../admin/terminals.ts';
import { buildOpenApiDocument } from '../http/openapi.ts';
import type { Db } from '../store/db.ts';
import { issueMemberToken, revokeMemberToken, revokeMemberTokensOf } from '../tokens/member-tokens.ts';
import { revokeSigningKey, rotateSigningKey } from '../tokens/signing-keys.ts';
import { parseDuration, requiredFlag, stringFlag, UsageError, type ParsedArgs } from './args.ts';
import { serveUsage } from './serve-config.ts';

export interface CommandContext {
  db: Db;
  now: number;
  out: (line: string) => void;
  /** Counts (never personal data) for the server's audit line of this command; absent outside a server. */
  audit?: (fields: Record<string, number>) => void;
}

export interface Command {
  usage: string;
  /** false for commands that need no database: they always run in the CLI's process. */
  needsDb?: boolean;
  /** Reads the command's input where the operator runs it (a JSON-serialisable value). */
  input?(args: ParsedArgs): unknown;
  run(args: ParsedArgs, ctx: CommandContext, input: unknown): Promise<void>;
}

function arg(args: ParsedArgs, index: number, what: string): string {
  const v = args.positionals[index];
  if (v === undefined || v === '') throw new UsageError(`Missing ${what}.`);
  return v;
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read ${path}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON.`);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export const COMMANDS: Record<string, Command> = {
  held: {
    usage: "held   (events held for a person: above a bound, out of a till's scope, or awaiting their sale; JSON)",
    async run(_args, { db, out, audit }) {
      const list = await listHeld(db);
      audit?.({ held: list.length });
      out(JSON.stringify(list, null, 2));
    },
  },
  approve: {
    usage: 'approve <eventId> --by <name>   (applies the points the server judged for a held event)',
    async run(args, { db, now, out, audit }) {
      const r = await decideHeld(db, arg(args, 1, 'event id'), 'approved', requiredFlag(args, 'by', 'who decides, for the record'), now);
      audit?.({ approved: 1 });
      out(`Approved: ${r.pointsApplied} points applied.`);
    },
  },
  refuse: {
    usage: 'refuse <eventId> --by <name>   (a held event: nothing of it is applied)',
    async run(args, { db, now, out, audit }) {
      await decideHeld(db, arg(args, 1, 'event id'), 'refused', requiredFlag(args, 'by', 'who decides, for the record'), now);
      audit?.({ refused: 1 });
      out('Refused: nothing applied.');
    },
  },
  'create-store': {
    usage: 'create-store <id> --name <name> --timezone <IANA zone> --currency <ISO code>',
    async run(args, { db, now, out }) {
      const id = arg(args, 1, 'store id');
      await createStore(
        db,
        {
          id,
          name: requiredFlag(args, 'name', 'the store name'),
          timeZone: requiredFlag(args, 'timezone', 'e.g. Europe/Paris'),
          currency: requiredFlag(args, 'currency', 'e.g. EUR'),
        },
        now,
      );
      out(`Store ${id} created.`);
    },
  },
  'pairing-code': {
    usage: 'pairing-code --store <id> [--ttl 24h]',
    async run(args, { db, now, out }) {
      const ttl = stringFlag(args, 'ttl');
      const { code, expiresAt } = await createPairingCode(
        db,
        { storeId: requiredFlag(args, 'store', 'the store id'), ...(ttl === undefined ? {} : { ttlMs: parseDuration(ttl, '--ttl') }) },
        now,
      );
      out(code);
      out(`Single use; expires ${iso(expiresAt)}.`);
    },
  },
  'revoke-terminal': {
    usage: 'revoke-terminal <terminalId>',
    async run(args, { db, now, out }) {
      const id = arg(args, 1, 'terminal id');
      await revokeTerminal(db, id, now);
      out(`Terminal ${id} revoked: its requests are refused from now on.`);
    },
  },
  'list-terminals': {
    usage: 'list-terminals',
    async run(_args, { db, out }) {
      out(JSON.stringify(await listTerminals(db), null, 2));
    },
  },
  'import-program': {
    usage: 'import-program <file.json>',
    input: (args) => readJsonFile(arg(args, 1, 'programme file')),
    async run(_args, { db, now, out }, input) {
      const { version } = await importProgram(db, input, now);
      out(`Programme version ${version} imported.`);
    },
  },
  'import-products': {
    usage: 'import-products <file.json>',
    input: (args) => readJsonFile(arg(args, 1, 'products file')),
    async run(_args, { db, out }, input) {
      const { count } = await importProducts(db, input);
      out(`${count} products imported.`);
    },
  },
  'import-members': {
    usage:
      'import-members <file.json>   ([{id, name, phone?, email?, birthDate?, cardNumber?, consentMarketing?, enrolledStore, points?}])',
    input: (args) => readJsonFile(arg(args, 1, 'members file')),
    async run(_args, { db, out, now }, input) {
      const { count } = await importMembers(db, input, now);
      out(`${count} members imported.`);
    },
  },
  'import-staff': {
    usage: 'import-staff <file.json>   ([{id, name, role, pin, active?, storeId?, assignedStores?}]; PINs are hashed, never stored)',
    input: (args) => readJsonFile(arg(args, 1, 'staff file')),
    async run(_args, { db, out }, input) {
      const { count } = await importStaff(db, input);
      out(`${count} staff imported.`);
    },
  },
  'show-member': {
    usage: 'show-member <id | card | phone>',
    async run(args, { db, out }) {
      out(JSON.stringify(await showMember(db, arg(args, 1, 'member id, card number or phone')), null, 2));
    },
  },
  'block-member': {
    usage: 'block-member <id | card | phone>',
    async run(args, { db, now, out }) {
      const { id } = await setMemberStatus(db, arg(args, 1, 'member'), 'blocked', now);
      out(`Member ${id} blocked.`);
    },
  },
  'unblock-member': {
    usage: 'unblock-member <id | card | phone>',
    async run(args, { db, now, out }) {
      const { id } = await setMemberStatus(db, arg(args, 1, 'member'), 'active', now);
      out(`Member ${id} active.`);
    },
  },
  'erase-member': {
    usage:
      'erase-member <id | card | phone> --by <name>   (removes name, phone, e-mail, birth date and consent; points, sales and cards stay; recorded)',
    async run(args, { db, now, out, audit }) {
      const key = arg(args, 1, 'member id, card number or phone');
      const r = await eraseMember(db, key, requiredFlag(args, 'by', 'who erases, for the record'), now);
      audit?.({ erased: r.alreadyErased ? 0 : 1, enrolmentsScrubbed: r.enrolmentsScrubbed, reasonsScrubbed: r.reasonsScrubbed });
      const scrubbed = `${r.enrolmentsScrubbed} stored enrolment(s) and ${r.reasonsScrubbed} adjustment reason(s) scrubbed`;
      out(
        r.alreadyErased
          ? `Member ${r.memberId} was already erased${r.enrolmentsScrubbed + r.reasonsScrubbed > 0 ? `; ${scrubbed} since` : ''}.`
          : `Member ${r.memberId} erased: personal data removed (${scrubbed}); points, sales and cards kept. Tills drop it at their next pull.`,
      );
    },
  },
  'export-member': {
    usage: 'export-member <id | card | phone> --by <name>   (everything held about the member, as JSON; recorded)',
    async run(args, { db, now, out, audit }) {
      const key = arg(args, 1, 'member id, card number or phone');
      const exported = await exportMember(db, key, requiredFlag(args, 'by', 'who exports, for the record'), now);
      audit?.({ exported: 1 });
      out(JSON.stringify(exported, null, 2));
    },
  },
  'assign-member': {
    usage: "assign-member <id | card | phone> --store <id> [--remove]   (the store's tills hold the member's personal data)",
    async run(args, { db, out, audit }) {
      const store = requiredFlag(args, 'store', 'the store id');
      const remove = args.flags.get('remove') === true;
      const { id } = await assignMemberToStore(db, arg(args, 1, 'member'), store, !remove);
      audit?.({ [remove ? 'unassigned' : 'assigned']: 1 });
      out(remove ? `Member ${id} no longer assigned to ${store}.` : `Member ${id} assigned to ${store}.`);
    },
  },
  flags: {
    usage: `flags [--kind ${FLAG_KINDS.join('|')}] [--all]`,
    async run(args, { db, out }) {
      out(JSON.stringify(await listFlags(db, stringFlag(args, 'kind'), args.flags.get('all') === true), null, 2));
    },
  },
  'resolve-flag': {
    usage: 'resolve-flag <flagId>',
    async run(args, { db, now, out }) {
      const id = Number(arg(args, 1, 'flag id'));
      if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError('A flag id is a positive number (see flags).');
      await resolveFlag(db, id, now);
      out(`Flag ${id} resolved.`);
    },
  },
  'issue-token': {
    usage:
      "issue-token <id | card | phone> [--ttl 30d]   (recorded; expires after --ttl or the programme's token lifetime, whichever is shorter)",
    async run(args, { db, now, out, audit }) {
      const member = await findMember(db, arg(args, 1, 'member'));
      const ttl = stringFlag(args, 'ttl');
      const issued = await issueMemberToken(db, member.id, ttl === undefined ? null : parseDuration(ttl, '--ttl'), now, { kind: 'admin' });
      audit?.({ issued: 1 });
      out(issued.token);
      out(`Token ${issued.tokenId}; expires ${iso(issued.expiresAt!)}. Revoke it with: revoke-token ${issued.tokenId}`);
    },
  },
  'revoke-token': {
    usage: 'revoke-token <tokenId>   (a lost card: terminals refuse that member QR code after their next pull)',
    async run(args, { db, now, out, audit }) {
      const tokenId = arg(args, 1, 'token id').toLowerCase();
      const { revoked } = await revokeMemberToken(db, tokenId, now);
      audit?.({ revoked });
      out(revoked === 1 ? `Token ${tokenId} revoked: terminals refuse it after their next pull.` : `Token ${tokenId} was already revoked.`);
    },
  },
  'revoke-member-tokens': {
    usage:
      'revoke-member-tokens <id | card | phone>   (every live member QR code of the member; terminals refuse them after their next pull)',
    async run(args, { db, now, out, audit }) {
      const member = await findMember(db, arg(args, 1, 'member'));
      const { revoked } = await revokeMemberTokensOf(db, member.id, now);
      audit?.({ revoked });
      out(
        `${revoked} member QR code${revoked === 1 ? '' : 's'} of member ${member.id} revoked: terminals refuse them after their next pull.`,
      );
    },
  },
  'rotate-key': {
    usage: 'rotate-key   (a new token signing key; older keys stay valid until revoked)',
    async run(_args, { db, now, out }) {
      const { kid } = await rotateSigningKey(db, now);
      out(`Signing key ${kid} is now active.`);
    },
  },
  'revoke-key': {
    usage: 'revoke-key <kid>',
    async run(args, { db, now, out }) {
      const kid = Number(arg(args, 1, 'key id'));
      if (!Number.isInteger(kid) || kid < 0 || kid > 255) throw new UsageError('A key id is 0–255.');
      await revokeSigningKey(db, kid, now);
      out(`Signing key ${kid} revoked: terminals refuse its tokens after their next pull.`);
    },
  },
  expire: {
    usage: 'expire   (expire every point lot past its date now)',
    async run(_args, { db, now, out }) {
      const { members, points } = await expireDuePoints(db, now);
      out(`${points} points expired on ${members} members.`);
    },
  },
  openapi: {
    usage: 'openapi   (print the OpenAPI document generated from the route table)',
    needsDb: false,
    async run(_args, { out }) {
      out(JSON.stringify(buildOpenApiDocument(), null, 2));
    },
  },
};

export function usage(): string {
  return [
    'Usage: npm run server [-- --port 8787 --host 127.0.0.1 --data ./.data/server]   start the server',
    '       npm run server -- <command> [--data DIR]                                  administration',
    '       DATABASE_URL=postgres://… selects a PostgreSQL server instead of the embedded PGlite data directory.',
    '       Serving (flag or environment variable; see docs/operations.md, "Central server"):',
    ...serveUsage(),
    '         --master-key-file (LOYALTY_MASTER_KEY_FILE)        the master key the token-signing keys are sealed under (required with DATABASE_URL; PGlite: <data>.master-key, made on first start)',
    '         --v1-accepted-until (LOYALTY_V1_ACCEPTED_UNTIL)    refuse HMAC request signing (protocol 1) from this ISO date (90 days after this server first ran protocol 2)',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
  ].join('\n');
}
