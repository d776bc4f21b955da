/**
 * The preload (sandboxed, bundled to one CommonJS file: a sandboxed preload
 * may require nothing but 'electron'). It exposes only `window.loyalty`:
 * call(request) and on(listener), over the MessagePort the shell hands it —
 * the port goes straight to the backend process. Calls cut off by a backend
 * restart are answered with an error, never left hanging.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BackendEvent, Request, Response } from '../../shared/api.ts';
import { BRIDGE_CONNECT_CHANNEL, BRIDGE_PORT_CHANNEL, type LoyaltyBridge } from '../../shared/bridge.ts';

const pending = new Map<number, (response: Response) => void>();
const listeners = new Set<(event: BackendEvent) => void>();
const queued: Request[] = [];
let port: IpcRendererEvent['ports'][number] | null = null;

const lost = (id: number): Response => ({
  id,
  ok: false,
  error: {
    code: 'INTERNAL',
    message: 'The terminal restarted while answering. Check the last sale on screen, then try again: a retry never doubles it.',
  },
});

const emit = (event: BackendEvent) => {
  for (const l of listeners) l(event);
};

ipcRenderer.on(BRIDGE_PORT_CHANNEL, (event, info: { restarted?: boolean } | null) => {
  const next = event.ports[0];
  if (!next) return;
  port?.close();
  for (const [id, resolve] of pending) resolve(lost(id));
  pending.clear();
  port = next;
  port.onmessage = (message: { data: unknown }) => {
    const data = message.data as { response?: Response; event?: BackendEvent } | null;
    if (data?.response) {
      pending.get(data.response.id)?.(data.response);
      pending.delete(data.response.id);
    } else if (data?.event) emit(data.event);
  };
  port.start();
  for (const request of queued.splice(0)) port.postMessage(request);
  if (info?.restarted) emit({ name: 'backend.restarted', at: Date.now() });
});
ipcRenderer.send(BRIDGE_CONNECT_CHANNEL);

const bridge: LoyaltyBridge = {
  call(request) {
    // Only plain data crosses: the backend validates the rest against the contract.
    const copy = { id: request.id, method: request.method, input: request.input, token: request.token } as Request;
    return new Promise((resolve) => {
      pending.set(copy.id, resolve);
      if (port) port.postMessage(copy);
      else queued.push(copy);
    });
  },
  on(listener) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};
contextBridge.exposeInMainWorld('loyalty', bridge);
