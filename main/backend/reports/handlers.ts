import type { Handlers } from '../handler-types.ts';
import { localParts } from '../../../shared/loyalty/local-time.ts';
import { currentProgram } from '../store/program.ts';
import { endOfDay } from './end-of-day.ts';

export const reportHandlers = {
  'report.endOfDay': (input, ctx) => {
    const program = currentProgram(ctx.store.db);
    const date = input.date ?? localParts(ctx.clock.now(), program.timeZone).date;
    return endOfDay(ctx.store.db, program, date, ctx.storeId);
  },
} satisfies Partial<Handlers>;
