import type { Input, Method, Output, Request, Response } from '../../shared/api.ts';
import type { ErrorPayload } from '../../shared/errors.ts';

/** How the client reaches the backend: the Electron preload bridge or the browser host's WebSocket. */
export interface Transport {
  send(request: Request): Promise<Response>;
}

/** A failed command as the screens see it: the stable code and plain words. */
export class ApiError extends Error {
  constructor(readonly payload: ErrorPayload) {
    super(payload.message);
    this.name = 'ApiError';
  }
}

/** The renderer's typed client: method names, inputs and outputs come from shared/api.ts. */
export function createClient(transport: Transport) {
  let nextId = 1;
  let token: string | null = null;
  const errorListeners = new Set<(error: ApiError) => void>();
  return {
    setToken(value: string | null): void {
      token = value;
    },
    token: () => token,
    /** Every failed call, for app-wide reactions (an expired session signs out). */
    onError(listener: (error: ApiError) => void): () => void {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
      const response = await transport.send({ id: nextId++, method, input, token });
      if (!response.ok) {
        const error = new ApiError(response.error as ErrorPayload);
        for (const l of errorListeners) l(error);
        throw error;
      }
      return response.result as Output<M>;
    },
  };
}
