import type { Api, Method, Output, ParsedInput } from '../../shared/api.ts';
import type { CallContext, ReadOnly, StaffContext } from './context.ts';

type RoleContext<M extends Method> = Api[M]['role'] extends null ? CallContext : StaffContext;

/** Who is calling (the contract's role) and what the command may write (its `writes`): a read-only command gets a read-only store. */
export type HandlerContext<M extends Method> = Api[M]['writes'] extends false ? ReadOnly<RoleContext<M>> : RoleContext<M>;

/**
 * A command's implementation, typed from the contract in shared/api.ts. Most
 * are synchronous (one SQLite transaction); those that wait on the central
 * server return a promise.
 */
export type Handler<M extends Method> = (input: ParsedInput<M>, ctx: HandlerContext<M>) => Output<M> | Promise<Output<M>>;

export type Handlers = { [M in Method]: Handler<M> };
