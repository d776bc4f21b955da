import type { Handlers } from '../handler-types.ts';
import { currentProgram } from '../store/program.ts';
import { customerDisplayState } from './display-view.ts';

export const customerDisplayHandlers = {
  'display.show': (input, ctx) => ctx.display.publish(customerDisplayState(ctx, input, ctx.display.nextSeq())),
  'display.current': (_input, ctx) => {
    const program = currentProgram(ctx.store.db);
    return ctx.display.current({ locale: ctx.terminal.locale, currency: program.currency, timeZone: program.timeZone });
  },
} satisfies Partial<Handlers>;
