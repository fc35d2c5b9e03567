/**
 * Every response the control server writes goes through here, so the security headers cannot be
 * forgotten on one path. There are deliberately no CORS headers anywhere (security-requirements
 * API-6): the dashboard is same-origin and the CLI is not a browser.
 */
import type { ServerResponse } from 'node:http';
import type { Result } from '../../shared/contract';
import { DASHBOARD_CSP } from '../../shared/dashboard-policy';
import type { ErrorCode } from '../../shared/errors';

/** The dashboard's policy: only its own scripts, styles and API; no framing, no forms, no base. */
export const CONTENT_SECURITY_POLICY = DASHBOARD_CSP;

const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Another site cannot embed these bytes with <script>/<img> (Fetch spec, CORP).
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
};

export function securityHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { ...BASE_HEADERS, ...extra };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(
    status,
    securityHeaders({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      ...extra,
    }),
  );
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** A refusal in the contract's Result shape, so every client parses one format. */
export function sendFailure(res: ServerResponse, status: number, code: ErrorCode, message: string, extra: Record<string, string> = {}): void {
  const body: Result<never> = { ok: false, error: { code, message } };
  sendJson(res, status, body, extra);
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(
    status,
    securityHeaders({ 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store', ...extra }),
  );
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
