import type { Api, Method, Output, ParsedInput } from '../../shared/api.ts';
import type { CallContext, StaffContext } from './context.ts';

/** A command's implementation, typed from the contract in shared/api.ts. */
export type Handler<M extends Method> = (
  input: ParsedInput<M>,
  ctx: Api[M]['role'] extends null ? CallContext : StaffContext,
) => Output<M>;

export type Handlers = { [M in Method]: Handler<M> };
