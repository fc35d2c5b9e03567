import { request } from 'node:http';

/** What a dev server answered to a request carrying the project's Host, as far as doctor needs it. */
export interface HostProbeAnswer {
  status: number;
  /** The start of the body (enough for an error page). */
  body: string;
}

export type HostRefusal = { server: 'vite' | 'webpack'; fix: (domain: string) => string } | null;

/**
 * Dev servers that refuse unknown Host headers (the DNS-rebinding defence): Vite answers 403
 * "Blocked request. This host ("web.test") is not allowed." (vite.dev/config/server-options,
 * `server.allowedHosts`; GHSA-vg6x-rcgg-rjx6), webpack-dev-server "Invalid Host header"
 * (`devServer.allowedHosts`). Pure, so the texts are table-tested.
 */
export function detectHostRefusal(answer: HostProbeAnswer): HostRefusal {
  if (answer.status === 403 && /Blocked request\. This host \(.*\) is not allowed/i.test(answer.body)) {
    return { server: 'vite', fix: (domain) => `allow it in vite.config: server: { allowedHosts: ['${domain}'] }` };
  }
  if (/^Invalid Host header/i.test(answer.body.trim())) {
    return { server: 'webpack', fix: (domain) => `allow it in the webpack config: devServer: { allowedHosts: ['${domain}'] }` };
  }
  return null;
}

/** One plain HTTP GET / to `address:port` with `Host: host`; resolves with the status and up to 16 KiB of body. */
export function probeHostHeader(address: string, port: number, host: string, timeoutMs = 5000): Promise<HostProbeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path: '/', method: 'GET', headers: { host, accept: 'text/html,*/*', 'user-agent': 'portico-doctor' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < 16_384) chunks.push(chunk);
        size += chunk.length;
        if (size >= 16_384) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 16_384) });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
