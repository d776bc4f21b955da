import type { Handlers } from '../handler-types.ts';
import { flaggedEvents } from '../store/outbox.ts';

/** The sync commands: pairing, status, a round now, flagged events, online holds. */
export const syncHandlers = {
  'sync.pair': (input, ctx) => ctx.sync.pair(input),
  'sync.status': (_input, ctx) => ctx.sync.status(),
  'sync.link': async (_input, ctx) => {
    const { paired, state, lastSuccessAt, queueLength } = await ctx.sync.status();
    return { paired, state, lastSuccessAt, queueLength };
  },
  'sync.now': (_input, ctx) => ctx.sync.syncNow(),
  'sync.flags': (input, ctx) => ({ flags: flaggedEvents(ctx.store.db, input.limit) }),
  'redemption.hold': (input, ctx) => ctx.sync.hold(input),
  'redemption.release': async (input, ctx) => ({ released: await ctx.sync.release(input.holdId) }),
} satisfies Partial<Handlers>;
