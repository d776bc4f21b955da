import type { Handlers } from '../handler-types.ts';
import { resolveScan } from './scan-outcome.ts';
import { listSerialPorts } from './serial-ports.ts';

export const scanHandlers = {
  'scan.resolve': (input, ctx) => {
    // Serial scans were published by their adapter; wedge and camera scans join the stream here.
    if (input.source !== 'serial') ctx.scans.publish(input);
    return resolveScan(ctx, input);
  },
  'scanner.ports': async (_input, ctx) => ({ ports: await listSerialPorts(ctx.serialBinding ? { binding: ctx.serialBinding } : {}) }),
  'scanner.status': (_input, ctx) => ctx.scanner.status(),
} satisfies Partial<Handlers>;
