import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PetApi {
  url: string;
  requests: { method: string; url: string; auth: string | undefined; requestId: string | undefined; body: unknown }[];
  close(): Promise<void>;
}

/** Whether a request's Authorization header may pass (e.g. a JWT checked against an issuer's JWKS). */
export type Authorize = (authorization: string | undefined) => boolean | Promise<boolean>;

/** A real HTTP API behind the petstore fixture spec: bearer auth, a 500 endpoint and a large body. */
export async function startPetApi(token: string | Authorize): Promise<PetApi> {
  const authorize: Authorize = typeof token === 'string' ? (authorization) => authorization === `Bearer ${token}` : token;
  const pets = new Map<string, { id: string; name: string; tag?: string }>([['p1', { id: 'p1', name: 'Rex', tag: 'dog' }]]);
  const requests: PetApi['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body: unknown = raw ? JSON.parse(raw) : undefined;
      requests.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, requestId: req.headers['x-request-id'] as string | undefined, body });
      const send = (status: number, payload?: unknown): void => {
        res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' }).end(payload === undefined ? undefined : JSON.stringify(payload));
      };
      if (!(await authorize(req.headers.authorization))) return send(401, { error: 'missing or wrong token' });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/pets' && req.method === 'GET') return send(200, [...pets.values()].slice(0, Number(url.searchParams.get('limit') ?? 100)));
      if (url.pathname === '/api/pets' && req.method === 'POST') {
        const pet = { id: `p${pets.size + 1}`, ...(body as { name: string }) };
        pets.set(pet.id, pet);
        return send(201, pet);
      }
      const one = /^\/api\/pets\/([^/]+)$/.exec(url.pathname);
      if (one && req.method === 'GET') return pets.has(one[1]!) ? send(200, pets.get(one[1]!)) : send(404, { error: `no pet ${one[1]}` });
      if (one && req.method === 'DELETE') return pets.delete(one[1]!) ? send(204) : send(404, { error: `no pet ${one[1]}` });
      if (url.pathname === '/api/health') return send(200, { ok: true });
      if (url.pathname === '/api/boom') return send(500, { error: 'database on fire', detail: 'x'.repeat(2000) });
      if (url.pathname === '/api/big') return send(200, { blob: 'y'.repeat(300_000) });
      return send(404, { error: 'no route' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
