/**
 * Forwarding a GET or HEAD without a body through the lean pool (http1-pool.ts). The client side
 * behaves as web-forward.ts's path through Node's client: the same passes, the same head and body
 * writes, the same failures, and the same single retry when a pooled socket turns out to have
 * been closed by the dev server while idle (the request never reached it, and has no body).
 */
import type { ClientRequest, ClientResponse, WebForward } from './forward';
import { reportUpstreamFailure, writeClientBody, writeClientHead, type FailureReporting } from './client-side';
import type { Http1Pool, PendingExchange, ResponseSink } from './http1-pool';
import { headersFromRaw, requestHead } from './raw-headers';

export function forwardWithoutBody(req: ClientRequest, res: ClientResponse, plan: WebForward, pool: Http1Pool, reporting: FailureReporting): void {
  const method = req.method ?? 'GET';
  const head = requestHead(method, req.url ?? '/', plan.headers);
  let done = false;
  let retried = false;
  let exchange: PendingExchange | null = null;

  const fail = (error: Error) => {
    if (done) return;
    done = true;
    reportUpstreamFailure(req, res, plan, error, reporting);
  };
  if (typeof head !== 'string') {
    // Node's client would have thrown before sending: the dev server is never asked.
    fail(head);
    return;
  }

  const sink: ResponseSink = {
    head(status, statusMessage, rawHeaders) {
      if (done || res.headersSent || res.writableEnded) {
        exchange?.abort();
        return;
      }
      const refused = writeClientHead(req, res, status, statusMessage, plan.responseHead(status, headersFromRaw(rawHeaders)));
      if (refused) {
        // An invalid header value from the upstream: answer as a bad gateway rather than crash.
        exchange?.abort();
        fail(refused);
      }
    },
    body(chunk) {
      if (done) return;
      writeClientBody(res, chunk, () => exchange?.pause(), () => exchange?.resume());
    },
    end(lastChunk) {
      if (done) return;
      done = true;
      if (lastChunk) res.end(lastChunk);
      else res.end();
    },
    fail(error, replayable) {
      if (!retried && replayable && !res.headersSent && !done) {
        retried = true;
        exchange = pool.request(method, head, sink, { fresh: true });
        return;
      }
      fail(error);
    },
  };

  // A client that leaves mid-response takes the upstream request with it.
  res.once('close', () => {
    if (!done) {
      done = true;
      exchange?.abort();
    }
  });
  exchange = pool.request(method, head, sink);
}
