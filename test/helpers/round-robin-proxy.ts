/**
 * A load balancer on loopback for tests and benchmarks with several server
 * processes on one database: each request goes, whole and unchanged, to the
 * next server in turn, so one terminal's pipelined push batches land on
 * different servers (as behind a round-robin balancer in production).
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests sent to each target, by index. */
  sent: number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
  const upstreams = targets.map((t) => new URL(t));
  const agents = upstreams.map(() => new http.Agent({ keepAlive: true }));
  const sent = upstreams.map(() => 0);
  const sockets = new Set<Socket>();
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next++ % upstreams.length;
    sent[i]!++;
    const upstream = upstreams[i]!;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: agents[i] },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const a of agents) a.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
