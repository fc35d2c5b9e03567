/**
 * Forwarding an HTTP request (either protocol from the client, HTTP/1.1 to the dev server) with
 * Node's own client and a keep-alive pool per upstream address. It replaced http-proxy-3's
 * `web()` on the request path: measured with `npm run bench`, that cost about twice the CPU per
 * request of this file (a URL parse, a header copy and merge, listeners and a pipe per request;
 * bench/README.md has the figures). Websockets still go through http-proxy-3 (forward.ts).
 *
 * Per request this costs one upstream request, a few closures and, for a body whose length the
 * upstream declared, no stream piping: each chunk is written as it comes and the last one ends
 * the response, so a small answer leaves in one write (HTTP/1.1) or one DATA frame with
 * END_STREAM (HTTP/2) instead of a write and an empty end.
 *
 * GET and HEAD requests without a body to a plain-HTTP dev server, most of a dev server's traffic,
 * take the lean client instead (lean-forward.ts, http1-pool.ts) where the runtime allows it.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest as UpstreamRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { clientGone, isHttp2, reportUpstreamFailure, writeClientBody, writeClientHead } from './client-side';
import type { ClientRequest, ClientResponse, UpstreamFailureKind, WebForward } from './forward';
import { nodeResponseParser } from './http1-parser';
import { createHttp1Pool, type Http1Pool } from './http1-pool';
import { forwardWithoutBody } from './lean-forward';
import type { ResolvedUpstream, UpstreamResolver } from './upstream-address';

export class UpstreamTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * An idle pooled socket is closed after this, before the dev server's own keep-alive timeout
 * closes it under a request: Node's HTTP servers (Vite, webpack-dev-server, Next) close idle
 * connections after 5 s (`server.keepAliveTimeout`). The agent's `timeout` is applied to free
 * sockets, and every request sets its own while it waits for the response head.
 */
const IDLE_SOCKET_MS = 4000;

/**
 * One keep-alive pool per upstream address. LIFO reuses the warmest socket, so idle ones age out
 * on the dev server's own keep-alive timeout instead of racing it. 64 idle sockets cover a
 * browser's burst of module requests (HTTP/2 lets it send hundreds at once).
 */
const AGENT_SETTINGS = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' as const, timeout: IDLE_SOCKET_MS };

/** The lean client's pool takes the same limits as the agent. */
const POOL_LIMITS = { idleMs: IDLE_SOCKET_MS, maxSockets: AGENT_SETTINGS.maxSockets, maxIdle: AGENT_SETTINGS.maxFreeSockets };

/** True when the client sends no body: nothing to pipe, the upstream request ends at once. */
function withoutBody(req: ClientRequest): boolean {
  if (isHttp2(req)) return req.stream.endAfterHeaders;
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
}

/** The errors of a write to a socket the peer already closed. */
function isStaleSocket(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** The body length the upstream declared, or -1 when it streams (chunked, close-delimited) or sends none. */
function declaredLength(method: string | undefined, status: number, upstream: IncomingMessage): number {
  if (method === 'HEAD' || status === 204 || status === 304) return -1;
  const header = upstream.headers['content-length'];
  if (header === undefined) return -1;
  const length = Number(header);
  return Number.isSafeInteger(length) && length > 0 ? length : -1;
}

export interface WebForwarderOptions {
  resolver: UpstreamResolver;
  upstreamResponseMs: number;
  classify(error: NodeJS.ErrnoException): UpstreamFailureKind;
  /** Use the lean client where it applies (default true); false sends everything through Node's client. */
  leanClient?: boolean;
}

export interface WebForwarder {
  web(req: ClientRequest, res: ClientResponse, plan: WebForward): void;
  close(): void;
}

export function createWebForwarder(options: WebForwarderOptions): WebForwarder {
  const agents = new Map<string, HttpAgent>();
  const pools = new Map<string, Http1Pool>();
  const parser = options.leanClient === false ? undefined : nodeResponseParser();

  /** The lean pool for a plain-HTTP upstream, or undefined where the runtime has no usable parser. */
  function poolFor(resolved: ResolvedUpstream): Http1Pool | undefined {
    if (!parser || resolved.protocol !== 'http:') return undefined;
    let pool = pools.get(resolved.target);
    if (!pool) {
      const headTimeoutMs = options.upstreamResponseMs;
      const timeoutError = (ms: number) => new UpstreamTimeoutError(`no response within ${ms} ms`);
      pool = createHttp1Pool({ host: resolved.address, port: resolved.port, parser, headTimeoutMs, timeoutError, ...POOL_LIMITS });
      pools.set(resolved.target, pool);
    }
    return pool;
  }

  function agentFor(resolved: ResolvedUpstream): HttpAgent {
    let agent = agents.get(resolved.target);
    if (!agent) {
      agent = resolved.protocol === 'https:' ? new HttpsAgent(AGENT_SETTINGS) : new HttpAgent(AGENT_SETTINGS);
      agents.set(resolved.target, agent);
    }
    return agent;
  }

  function forward(req: ClientRequest, res: ClientResponse, plan: WebForward, resolved: ResolvedUpstream): void {
    const bodyless = withoutBody(req);
    if (bodyless && (req.method === 'GET' || req.method === 'HEAD')) {
      const pool = poolFor(resolved);
      if (pool) {
        forwardWithoutBody(req, res, plan, pool, options);
        return;
      }
    }
    let failed = false;
    let finished = false;
    let retried = false;
    let upstream: UpstreamRequest | null = null;

    const fail = (error: Error) => {
      // The request and the response can both report the same failure.
      if (failed || finished) return;
      // A pooled socket the dev server closed while it sat idle (Node servers close after 5 s):
      // the request never reached it, so a request without a body is sent once more on a fresh
      // socket (Node's doc on `request.reusedSocket` recommends exactly this).
      if (!retried && bodyless && upstream?.reusedSocket === true && !res.headersSent && isStaleSocket(error)) {
        retried = true;
        send();
        return;
      }
      failed = true;
      reportUpstreamFailure(req, res, plan, error, options);
    };

    const relay = (answer: IncomingMessage) => {
      upstream?.setTimeout(0);
      if (failed || res.headersSent || res.writableEnded) {
        answer.resume();
        return;
      }
      const status = answer.statusCode ?? 502;
      const refused = writeClientHead(req, res, status, answer.statusMessage, plan.responseHead(status, answer.headers));
      if (refused) {
        // An invalid header value from the upstream: answer as a bad gateway rather than crash.
        answer.destroy();
        fail(refused);
        return;
      }
      let remaining = declaredLength(req.method, status, answer);
      answer.on('data', (chunk: Buffer) => {
        if (remaining > 0) {
          remaining -= chunk.length;
          if (remaining <= 0) {
            finished = true;
            res.end(chunk);
            return;
          }
        }
        writeClientBody(res, chunk, () => answer.pause(), () => answer.resume());
      });
      answer.once('end', () => {
        if (finished) return;
        finished = true;
        res.end();
      });
      // The upstream died mid-body (or the client left, which `fail` tells apart).
      answer.once('close', () => {
        if (!answer.complete) fail(Object.assign(new Error('upstream closed mid-response'), { code: 'ECONNRESET' }));
      });
      answer.on('error', () => undefined);
    };

    const send = () => {
      let sent: UpstreamRequest;
      try {
        sent = (resolved.protocol === 'https:' ? httpsRequest : httpRequest)({
          host: resolved.address,
          port: resolved.port,
          method: req.method,
          path: req.url,
          headers: plan.headers,
          agent: agentFor(resolved),
        });
      } catch (error) {
        // An invalid method or path for Node's client: the upstream is never asked.
        fail(error as Error);
        return;
      }
      upstream = sent;
      // The timeout covers the wait for the response head only: a response that streams for
      // hours (SSE, HMR) is never cut by it.
      sent.setTimeout(options.upstreamResponseMs, () => sent.destroy(new UpstreamTimeoutError(`no response within ${options.upstreamResponseMs} ms`)));
      sent.on('error', fail);
      sent.once('response', relay);
      if (bodyless) {
        sent.end();
      } else {
        req.on('error', () => sent.destroy());
        (req as IncomingMessage).pipe(sent);
      }
    };

    // A client that leaves mid-response takes the upstream request with it.
    res.once('close', () => {
      if (!finished) upstream?.destroy();
    });
    send();
  }

  return {
    web(req, res, plan) {
      // The address is cached after the first request: no promise, no extra tick per request.
      const known = options.resolver.peek(plan.upstream);
      if (known) {
        forward(req, res, plan, known);
        return;
      }
      options.resolver.resolve(plan.upstream).then(
        (resolved) => {
          if (!clientGone(req, res)) forward(req, res, plan, resolved);
        },
        (error: unknown) => {
          if (!clientGone(req, res)) plan.onFailure({ kind: options.classify(error as NodeJS.ErrnoException), error: error instanceof Error ? error : new Error(String(error)), responseStarted: false });
        },
      );
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
      for (const pool of pools.values()) pool.close();
      pools.clear();
    },
  };
}
