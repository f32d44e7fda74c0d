import { randomBytes } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log';
import { readChannelMessage } from './executor-messages';
import { createLineReader, createLineWriter, type WorkerChannelMessage } from './protocol';

/** Sends one pre-serialised `FrontChannelMessage` line (the caller serialises, so it can check the size). */
export type ChannelReply = (line: string) => void;
/** `chars`: the message's length on the wire, what keeping its arguments costs. */
export type ChannelHandler = (message: Extract<WorkerChannelMessage, { t: 'tool-call' }>, reply: ChannelReply, chars: number) => void;

/** Longest message accepted from a worker (tool arguments are JSON data) before the connection is dropped. */
export const MAX_CHANNEL_LINE_CHARS = 64 * 1024 * 1024;

/**
 * The front's end of the tool channel: a Unix socket private to this process. Sandbox worker threads
 * connect directly, so a tool call crosses one hop each way instead of being relayed by the executor's
 * main thread. A connection speaks only after presenting its executor's current token; everything it
 * sends afterwards is still checked against the runs that executor holds.
 */
export class ToolChannelServer {
  readonly #handlers = new Map<string, ChannelHandler>();
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly path: string,
    readonly server: Server,
    readonly log: Logger,
  ) {}

  static async listen(log: Logger): Promise<ToolChannelServer> {
    const path = join(tmpdir(), `scriptgate-${process.pid}-${randomBytes(6).toString('hex')}.sock`);
    const server = createServer();
    const channel = new ToolChannelServer(path, server, log);
    server.on('connection', (socket) => channel.#accept(socket));
    server.on('error', (err) => log.error({ err }, 'tool channel error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(path, 0o600);
    server.unref();
    return channel;
  }

  /** A fresh token for one executor spawn; calls made with it go to `handler`. */
  register(handler: ChannelHandler): string {
    const token = randomBytes(24).toString('hex');
    this.#handlers.set(token, handler);
    return token;
  }

  unregister(token: string): void {
    this.#handlers.delete(token);
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.setEncoding('utf8');
    socket.unref();
    let handler: ChannelHandler | undefined;
    let token: string | undefined;
    let warned = false;
    const reply: ChannelReply = createLineWriter((chunk) => {
      if (!socket.destroyed) socket.write(chunk);
    });
    const onMessage = (raw: unknown, chars: number): void => {
      const message = readChannelMessage(raw);
      if (!handler) {
        if (message?.t !== 'hello' || !this.#handlers.has(message.token)) {
          socket.destroy();
          return;
        }
        token = message.token;
        handler = this.#handlers.get(token);
        return;
      }
      // A token retired by an executor restart stops being honoured even on an open connection.
      if (!token || !this.#handlers.has(token)) {
        socket.destroy();
        return;
      }
      if (message?.t === 'tool-call') handler(message, reply, chars);
      else if (!warned) {
        // Once per connection: a broken thread must not flood the log.
        warned = true;
        this.log.warn('a message on the tool channel that is not a tool call; dropped');
      }
    };
    const read = createLineReader(onMessage, MAX_CHANNEL_LINE_CHARS);
    socket.on('data', (chunk: string) => {
      try {
        read(chunk);
      } catch (err) {
        this.log.warn({ err }, 'malformed or oversized message on the tool channel; closing that connection');
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.server.close();
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone (server.close removes it on most platforms).
    }
  }
}
