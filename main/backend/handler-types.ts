import type { Api, Method, Output, ParsedInput } from '../../shared/api.ts';
import type { CallContext, StaffContext } from './context.ts';

/**
 * A command's implementation, typed from the contract in shared/api.ts. Most
 * are synchronous (one SQLite transaction); those that wait on the central
 * server return a promise.
 */
export type Handler<M extends Method> = (
  input: ParsedInput<M>,
  ctx: Api[M]['role'] extends null ? CallContext : StaffContext,
) => Output<M> | Promise<Output<M>>;

export type Handlers = { [M in Method]: Handler<M> };
