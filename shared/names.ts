/**
 * Names, domains, suffixes, ports and upstreams: the validation rules every entry point shares
 * (CLI, control API, dashboard form). Pure and browser-safe: IDNA goes through the WHATWG URL
 * parser, which Node and browsers implement alike.
 *
 * Rules follow RFC 1123 host names (LDH labels, ≤ 63 characters each, ≤ 253 in all) and the
 * hosts-file injection advice in security-requirements.md DNS-2 (mkcert `hostnameRegexp`).
 */
import type { ErrorCode } from './errors';

/** A validation outcome: the normalized value, or a code and a message that says what to do. */
export type Checked<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PROJECT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The suffixes a fresh CA is constrained to (RFC 6761 `localhost`, RFC 2606 `.test`, ICANN `.internal`). */
export const DEFAULT_SUFFIXES: readonly string[] = ['localhost', '.localhost', '.test', '.internal'];

const fail = <T>(code: ErrorCode, message: string): Checked<T> => ({ ok: false, code, message });

/** A project name: a lower-case slug usable as a DNS label (`web`, `my-api`). */
export function checkProjectName(input: string): Checked<string> {
  const name = input.trim();
  if (!PROJECT_NAME.test(name)) {
    return fail('E_INVALID_NAME', `"${input}" is not a valid project name: use 1–63 lower-case letters, digits and inner hyphens (e.g. "web" or "my-api").`);
  }
  return { ok: true, value: name };
}

/** A TCP port: an integer from 1 to 65535. */
export function checkPort(input: string | number): Checked<number> {
  const text = String(input).trim();
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return fail('E_INVALID_PORT', `"${input}" is not a valid port: use a whole number from 1 to 65535.`);
  }
  return { ok: true, value: port };
}

function isIpLiteral(host: string): boolean {
  return /^\d+(\.\d+){3}$/.test(host) || host.includes(':') || host.startsWith('[');
}

/**
 * Host name to its ASCII (punycode) lower-case form, or null when the URL parser refuses it or
 * it holds anything but LDH labels. Whitespace, `#`, newlines and the like never get through, so a
 * name can never inject a line into the hosts file.
 */
function toAsciiHost(input: string): string | null {
  const raw = input.trim().replace(/\.$/, '');
  if (raw === '' || /[\s#/\\?@:%]/.test(raw)) return null;
  let host: string;
  try {
    host = new URL(`http://${raw}/`).hostname;
  } catch {
    return null;
  }
  if (host.length > 253) return null;
  return host.split('.').every((label) => LABEL.test(label)) ? host : null;
}

/** A suffix as stored: `localhost` (the name itself) or `.test` (every name below it). */
export function checkSuffix(input: string): Checked<string> {
  const trimmed = input.trim().toLowerCase();
  const dotted = trimmed.startsWith('.');
  const host = toAsciiHost(dotted ? trimmed.slice(1) : trimmed);
  if (host === null || isIpLiteral(host)) {
    return fail('E_INVALID_DOMAIN', `"${input}" is not a valid suffix: use a name such as ".test" or ".dev.internal".`);
  }
  return { ok: true, value: dotted ? `.${host}` : host };
}

/** True when `domain` (ASCII, lower-case) falls under one of `suffixes`. */
export function isPermitted(domain: string, suffixes: readonly string[]): boolean {
  const base = domain.startsWith('*.') ? domain.slice(2) : domain;
  return suffixes.some((suffix) => (suffix.startsWith('.') ? base.endsWith(suffix) && base.length > suffix.length : base === suffix));
}

/** True when `domain` is itself a suffix (`test`, `localhost`), which no project may claim. */
function isBareSuffix(domain: string, suffixes: readonly string[]): boolean {
  return suffixes.some((suffix) => (suffix.startsWith('.') ? suffix.slice(1) : suffix) === domain);
}

/**
 * A project domain: lower-cased, IDN to punycode, LDH labels, not an IP literal, not a bare
 * suffix, under one of `suffixes`. A wildcard is allowed only below a project name
 * (`*.web.localhost`), never `*.localhost` or `*.test`: browsers reject second-level wildcards
 * (mkcert `printHosts`).
 */
export function checkDomain(input: string, suffixes: readonly string[] = DEFAULT_SUFFIXES): Checked<string> {
  const trimmed = input.trim().toLowerCase();
  const wildcard = trimmed.startsWith('*.');
  const host = toAsciiHost(wildcard ? trimmed.slice(2) : trimmed);
  if (host === null || isIpLiteral(host)) {
    return fail('E_INVALID_DOMAIN', `"${input}" is not a valid domain: use a host name such as "web.localhost" or "api.test".`);
  }
  if (isBareSuffix(host, suffixes) || (wildcard && !host.includes('.'))) {
    return fail('E_INVALID_DOMAIN', `"${input}" is a whole suffix: add a name in front of it, such as "web.${host}"${wildcard ? ' (wildcards need a name: "*.web.' + host + '")' : ''}.`);
  }
  const domain = wildcard ? `*.${host}` : host;
  if (!isPermitted(domain, suffixes)) {
    return fail(
      'E_DOMAIN_NOT_PERMITTED',
      `"${domain}" is outside the local CA's name constraints (${suffixes.join(', ')}). Use one of those suffixes, or allow a new one with \`portico ca rotate --suffix .<suffix>\`, which makes a new root that includes it.`,
    );
  }
  return { ok: true, value: domain };
}

/**
 * An upstream origin: `http(s)://host:port` with no path, query or credentials. `localhost`
 * means whichever of 127.0.0.1 and ::1 answers (the proxy decides at connect time).
 */
export function checkUpstream(input: string): Checked<string> {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return fail('E_INVALID_UPSTREAM', `"${input}" is not a URL: use e.g. "http://localhost:5173", or --port 5173.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('E_INVALID_UPSTREAM', `"${input}" uses ${url.protocol.replace(':', '')}: an upstream must be http:// or https://.`);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return fail('E_INVALID_UPSTREAM', `"${input}" has a path, query or credentials: give only the dev server's origin, e.g. "http://localhost:5173".`);
  }
  if (url.port !== '' && !checkPort(url.port).ok) {
    return fail('E_INVALID_PORT', `"${input}" has an invalid port: use 1–65535.`);
  }
  return { ok: true, value: url.origin };
}

/** The default upstream for a bare port. */
export function upstreamForPort(port: number): string {
  return `http://localhost:${port}`;
}

/** The default domain of a project. */
export function defaultDomain(name: string): string {
  return `${name}.localhost`;
}
