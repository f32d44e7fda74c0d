import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const FIXTURE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'oauth', 'authorization-server.mjs');

/** One request the token endpoint answered. */
export interface SeenTokenRequest {
  grant: string;
  clientId: string | undefined;
  clientAuth: 'basic' | 'body' | 'none';
  scope?: string;
  audience?: string;
  refreshToken?: string;
  status: number;
  at: number;
}

/** What introspection (RFC 7662) says of a token: signature, issuer and expiry checked against the JWKS. */
export interface Introspection {
  active: boolean;
  sub?: string;
  client_id?: string;
  scope?: string;
  aud?: string;
  exp?: number;
}

export interface TestOAuthServer {
  issuer: string;
  tokenUrl: string;
  /** Every token request since the last reset, in order. */
  requests(): Promise<SeenTokenRequest[]>;
  /** Token lifetime (seconds) from now on; `failWith` makes the token endpoint answer that status (null: stop failing). */
  configure(settings: { expiresIn?: number; failWith?: number | null }): Promise<void>;
  /** Forgets the requests seen and restores a 3600 s lifetime and a working endpoint. */
  reset(): Promise<void>;
  /** A refresh token the server accepts once (each use rotates it to a new one). */
  issueRefreshToken(clientId: string): Promise<string>;
  liveRefreshTokens(): Promise<string[]>;
  /** Introspects the token of an `Authorization: Bearer` header (inactive when there is none). */
  introspect(authorization: string | undefined): Promise<Introspection>;
  stop(): Promise<void>;
}

/**
 * Starts the authorization server fixture (oauth2-mock-server, an ES module, so a process of its own) with
 * the given clients and their secrets.
 */
export async function startOAuthServer(clients: Readonly<Record<string, string>>): Promise<TestOAuthServer> {
  const child: ChildProcess = spawn(process.execPath, [FIXTURE], { env: { PATH: process.env.PATH, OAUTH_CLIENTS: JSON.stringify(clients) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const issuer = await new Promise<string>((resolveStart, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"issuer":"([^"]+)"/.exec(out);
      if (match) resolveStart(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`authorization server exited early (${code}): ${out}`)));
  });
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${issuer}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    issuer,
    tokenUrl: `${issuer}/token`,
    requests: () => call<SeenTokenRequest[]>('GET', '/test/requests'),
    configure: async (settings) => void (await call('POST', '/test/settings', settings)),
    reset: async () => void (await call('POST', '/test/reset', {})),
    issueRefreshToken: async (clientId) => (await call<{ token: string }>('POST', '/test/refresh-tokens', { clientId })).token,
    liveRefreshTokens: () => call<string[]>('GET', '/test/refresh-tokens'),
    async introspect(authorization) {
      const token = /^Bearer\s+(\S+)$/.exec(authorization ?? '')?.[1];
      if (!token) return { active: false };
      const response = await fetch(`${issuer}/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
      return (await response.json()) as Introspection;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `check` every 50 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
