/**
 * A whole proxy for an integration test: a test root, one leaf per project, an echo upstream,
 * and the proxy listening on port 0 on 127.0.0.1.
 */
import { createProxyServer, type ProxyHooks, type ProxyServer } from '../../main/engine/proxy/server';
import { createRouteTable, type Route } from '../../main/engine/proxy/router';
import type { ProxyTimeouts } from '../../main/engine/proxy/timeouts';
import { startUpstream, type Upstream } from './proxy-harness';
import { createTestCa, fixedCertificates, issueTestLeaf, type TestCa } from './test-certs';

export type ProjectSpec = Partial<Route> & { project: string; domains: string[] };

export interface ProxyStack {
  ca: TestCa;
  proxy: ProxyServer;
  httpsPort: number;
  httpPort: number;
  upstream: Upstream;
  /** The route for a spec, pointing at the echo upstream unless it names another. */
  route(spec: ProjectSpec): Route;
  close(): Promise<void>;
}

export interface StackOptions {
  projects: ProjectSpec[];
  /** Projects that get no certificate (their handshakes fail). */
  withoutCertificate?: string[];
  timeouts?: Partial<ProxyTimeouts>;
  hooks?: ProxyHooks;
  ca?: TestCa;
}

export async function startProxyStack(options: StackOptions): Promise<ProxyStack> {
  const ca = options.ca ?? (await createTestCa());
  const upstream = await startUpstream();
  const route = (spec: ProjectSpec): Route => ({ upstream: upstream.origin, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', enabled: true, ...spec });
  const leaves = Object.fromEntries(
    await Promise.all(
      options.projects.filter((spec) => !(options.withoutCertificate ?? []).includes(spec.project)).map(async (spec) => [spec.project, await issueTestLeaf(ca, spec.domains)] as const),
    ),
  );
  const proxy = createProxyServer({
    certificates: fixedCertificates(leaves),
    routes: createRouteTable(options.projects.map(route)),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  const listening = await proxy.listen({ httpsPort: 0, httpPort: 0, hosts: ['127.0.0.1'] });
  return {
    ca,
    proxy,
    httpsPort: listening.httpsPort,
    httpPort: listening.httpPort,
    upstream,
    route,
    close: async () => {
      await proxy.close({ drainMs: 0 });
      await upstream.close();
    },
  };
}
