/**
 * What a client on this machine sees on the wire: a real upstream dev server, and single
 * requests to the proxy's HTTPS port (verified against Portico's root, SNI and Host set as a
 * browser would) and its plain HTTP port. No connection reuse: each probe sees the route as it is now.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

export const UPSTREAM_TEXT = 'hello from the e2e upstream';

export interface Upstream {
  port: number;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(UPSTREAM_TEXT);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Answer {
  status: number;
  location: string | null;
  hsts: string | null;
  body: string;
}

async function answerOf(res: IncomingMessage): Promise<Answer> {
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk as string;
  const header = (name: string) => {
    const value = res.headers[name];
    return typeof value === 'string' ? value : null;
  };
  return { status: res.statusCode ?? 0, location: header('location'), hsts: header('strict-transport-security'), body };
}

/** GET over TLS to the proxy's HTTPS port as `https://<host>:<port><path>`, trusting only `ca`. */
export function httpsGet(options: { host: string; port: number; path: string; ca: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path,
        servername: options.host,
        ca: options.ca,
        headers: { host: `${options.host}:${options.port}` },
        agent: false,
      },
      (res) => answerOf(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end();
  });
}

/** GET over plain HTTP to the proxy's HTTP port as `http://<host>:<port><path>`. */
export function httpGet(options: { host: string; port: number; path: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: options.port, path: options.path, headers: { host: `${options.host}:${options.port}` }, agent: false },
      (res) => answerOf(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end();
  });
}
