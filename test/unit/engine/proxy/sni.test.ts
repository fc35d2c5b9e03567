import { createSecureContext, type SecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createRouteTable, type Route } from '../../../../main/engine/proxy/router';
import { createSniCallback, type CertificateProvider, type SniRefusal } from '../../../../main/engine/proxy/sni';

const route = (project: string, domains: string[]): Route => ({ project, domains, upstream: 'http://localhost:5173', https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', enabled: true });
const table = createRouteTable([route('web', ['web.localhost', '*.web.localhost']), route('api', ['api.test'])]);
const context = createSecureContext({});

function run(provider: CertificateProvider, servername: string): Promise<{ error: Error | null; context?: SecureContext; refusals: SniRefusal[]; asked: [string, string | null][] }> {
  const refusals: SniRefusal[] = [];
  const asked: [string, string | null][] = [];
  const spying: CertificateProvider = {
    secureContextFor: (name, r) => {
      asked.push([name, r?.project ?? null]);
      return provider.secureContextFor(name, r);
    },
  };
  const callback = createSniCallback(() => table, spying, (refusal) => refusals.push(refusal));
  return new Promise((resolve) => callback(servername, (error, ctx) => resolve({ error, ...(ctx ? { context: ctx } : {}), refusals, asked })));
}

describe('SNI callback', () => {
  const has: CertificateProvider = { secureContextFor: async (_name, r) => (r ? context : null) };
  const mintsForAnyName: CertificateProvider = { secureContextFor: async () => context };
  const none: CertificateProvider = { secureContextFor: async () => null };
  const broken: CertificateProvider = { secureContextFor: async () => Promise.reject(new Error('disk on fire')) };

  it('hands out the project’s context for a routed name, asking with the lower-cased name and the route', async () => {
    const result = await run(has, 'A.Web.Localhost');
    expect(result.error).toBeNull();
    expect(result.context).toBe(context);
    expect(result.asked).toEqual([['a.web.localhost', 'web']]);
  });

  it('asks about an unrouted name with a null route, and uses a context the provider chooses to mint', async () => {
    const result = await run(mintsForAnyName, 'typo.localhost');
    expect(result.asked).toEqual([['typo.localhost', null]]);
    expect(result.context).toBe(context);
  });

  const refusals: [name: string, provider: CertificateProvider, servername: string, reason: SniRefusal['reason']][] = [
    ['unknown name without a context', has, 'evil.example', 'unknown-name'],
    ['no certificate for the project', none, 'api.test', 'no-certificate'],
    ['the provider fails', broken, 'api.test', 'provider-failed'],
  ];
  it.each(refusals)('%s', async (_name, provider, servername, reason) => {
    const result = await run(provider, servername);
    // An error, never a falsy context: Node would fall back to the default context (RP-3).
    expect(result.error).toBeInstanceOf(Error);
    expect(result.context).toBeUndefined();
    expect(result.refusals.map((r) => r.reason)).toEqual([reason]);
  });
});
