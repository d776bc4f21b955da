import type { Handlers } from '../handler-types.ts';
import { resolveScan } from './scan-outcome.ts';
import { listSerialPorts } from './serial-ports.ts';

export const scanHandlers = {
  'scan.resolve': (input, ctx) => {
    // Serial scans were published by their adapter; wedge and camera scans join the stream here.
    if (input.source !== 'serial') ctx.scans.publish(input);
    const outcome = resolveScan(ctx, input);
    // The member's card or QR code was read at this till: they may redeem in this sale (sales/member-presence.ts).
    if (outcome.kind === 'member') ctx.presence.record(ctx.staff.id, outcome.member.id, ctx.clock.now());
    return outcome;
  },
  'scanner.ports': async (_input, ctx) => ({ ports: await listSerialPorts(ctx.serialBinding ? { binding: ctx.serialBinding } : {}) }),
  'scanner.status': (_input, ctx) => ctx.scanner.status(),
} satisfies Partial<Handlers>;
