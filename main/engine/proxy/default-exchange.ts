/**
 * The Exchange built from the pure passes in passes/: hop-by-hop and forwarded headers on the way
 * up; hop-by-hop, HSTS, cookies and Location on the way down; 307s between the listeners. What
 * each pass needs from a route (HSTS plan, cookie policy, own-origin pattern, upstream Host) is
 * computed once per Route object and cached: routes are immutable, a new table brings new ones.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { hostHeaderFor, upstreamHostHeader } from './passes/forwarded';
import { publicOrigin } from './passes/location';
import { redirectToHttp, redirectToHttps } from './passes/redirect';
import { upstreamRequestHeaders } from './passes/request-headers';
import { clientResponseHeaders, responsePlanFor, type ResponsePlan } from './passes/response-headers';
import type { Exchange, ExchangeContext } from './exchange';
import { hostKey, hostPort, type Route } from './router';

interface RoutePlan {
  response: ResponsePlan;
  upstreamHost: string;
}

const COLON = 58;

/**
 * Makes `target` hold exactly `next`, in place. HTTP/2 pseudo-headers stay: Node's compat request
 * reads `:method`/`:path` from this very object (`req.method`, `req.url`), and http-proxy-3 drops
 * them from the upstream request itself.
 */
function replaceHeaders(target: IncomingHttpHeaders, next: OutgoingHttpHeaders): void {
  const bag = target as Record<string, unknown>;
  for (const name of Object.keys(bag)) if (name.charCodeAt(0) !== COLON && !(name in next)) delete bag[name];
  for (const [name, value] of Object.entries(next)) bag[name] = value;
}

export function defaultExchange(): Exchange {
  const plans = new WeakMap<Route, RoutePlan>();
  const planFor = (route: Route): RoutePlan => {
    let plan = plans.get(route);
    if (!plan) {
      plan = { response: responsePlanFor(route), upstreamHost: upstreamHostHeader(route.upstream) };
      plans.set(route, plan);
    }
    return plan;
  };

  /** The origin the browser is on: the scheme of the connection and the authority it sent. */
  const clientOrigin = (context: ExchangeContext): string => {
    const secure = context.scheme === 'https';
    return publicOrigin(secure, hostKey(context.host) ?? '', hostPort(context.host) ?? (secure ? 443 : 80));
  };

  const upstreamHeaders = (headers: IncomingHttpHeaders, context: ExchangeContext): OutgoingHttpHeaders => {
    const plan = planFor(context.route);
    const host = hostHeaderFor(context.route.hostHeader, context.host, plan.upstreamHost);
    const forwarded = { peerAddress: context.clientAddress, proto: context.scheme, host: context.host, port: context.listenerPort };
    return upstreamRequestHeaders(headers, forwarded, host);
  };

  return {
    prepareRequest(headers, context) {
      const next = upstreamHeaders(headers, context);
      replaceHeaders(headers, next);
      return next.host as string;
    },

    upstreamHeaders,

    prepareResponse(status, upstreamHeaders, context) {
      const head = clientResponseHeaders(upstreamHeaders, planFor(context.route).response, {
        secure: context.scheme === 'https',
        origin: clientOrigin(context),
        upgrade: status === 101,
        nowMs: context.now,
      });
      return { headers: head.headers, cookiesRewritten: head.cookiesChanged };
    },

    redirect(to, target, context) {
      const host = hostKey(context.host) ?? '';
      return to === 'https' ? redirectToHttps(host, target, context.ports.https) : redirectToHttp(host, target, context.ports.http);
    },
  };
}
