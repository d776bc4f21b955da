import type { Handlers } from '../handler-types.ts';
import { resolveScan } from './scan-outcome.ts';

export const scanHandlers = {
  'scan.resolve': (input, ctx) => {
    // Serial scans were published by their adapter; wedge and camera scans join the stream here.
    if (input.source !== 'serial') ctx.scans.publish(input);
    return resolveScan(ctx, input);
  },
} satisfies Partial<Handlers>;
