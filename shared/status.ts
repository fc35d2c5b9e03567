/**
 * The live state of a running engine: what the dashboard, the tray and `portico status` render.
 * One `Status` snapshot is pushed on every change (`status.changed`); request log entries are
 * pushed one by one (`request.logged`).
 */
import { z } from 'zod';
import { ProjectSchema } from './config';

/** Health of a project's dev server, from the engine's periodic TCP probe. */
export const UpstreamHealthSchema = z.object({
  /** `up` answers, `down` refuses or times out, `unknown` not probed yet (or the project is disabled). */
  state: z.enum(['up', 'down', 'unknown']),
  /** The address that answered: `127.0.0.1` or `::1` for a `localhost` upstream. */
  address: z.string().optional(),
  /** Time to connect, in milliseconds. */
  latencyMs: z.number().optional(),
  /** Why it is down, in words. */
  reason: z.string().optional(),
  /** When the state last changed (ISO 8601). */
  since: z.string(),
});
export type UpstreamHealthView = z.infer<typeof UpstreamHealthSchema>;

/** A summary of a project's certificate, enough for a badge and a tooltip. */
export const CertSummarySchema = z.object({
  /** Names the certificate covers. */
  sans: z.array(z.string()),
  /** End of validity (ISO 8601). */
  notAfter: z.string(),
  /** Whole days left. */
  daysLeft: z.number(),
  /** SHA-256 fingerprint. */
  fingerprint256: z.string(),
  /** Issuer common name. */
  issuer: z.string(),
  /** Key algorithm and size or curve, e.g. `ECDSA P-256` or `RSA 2048`. */
  key: z.string(),
});
export type CertSummary = z.infer<typeof CertSummarySchema>;

/** One project as the running engine sees it. */
export const ProjectStatusSchema = z.object({
  /** The project's settings. */
  project: ProjectSchema,
  /** The URLs it answers on, primary first (ports included when they are not 443/80). */
  urls: z.array(z.string()),
  /** Its dev server's health. */
  health: UpstreamHealthSchema,
  /** Its certificate, when HTTPS is on and one was issued. */
  certificate: CertSummarySchema.nullable(),
  /** The `Strict-Transport-Security` value its HTTPS responses carry now, or null for none. */
  hstsHeader: z.string().nullable(),
  /** Requests served since the engine started. */
  requests: z.number(),
  /** `Set-Cookie` headers rewritten since the engine started. */
  cookiesRewritten: z.number(),
});
export type ProjectStatus = z.infer<typeof ProjectStatusSchema>;

/** A listener the engine holds. */
export const ListenerSchema = z.object({
  /** `https`, `http` (redirects; also accepts TLS) or `control` (the dashboard and API). */
  role: z.enum(['https', 'http', 'control']),
  /** Loopback addresses it is bound to. */
  addresses: z.array(z.string()),
  port: z.number(),
  /** Why this port and not the preferred one, e.g. "443 needs privileges: using 8443". */
  note: z.string().optional(),
});
export type Listener = z.infer<typeof ListenerSchema>;

/** The TLS profile the proxy enforces. */
export const TlsProfileSchema = z.object({
  /** Profile name, e.g. `Mozilla intermediate 6.0`. */
  name: z.string(),
  /** Allowed protocol versions. */
  versions: z.array(z.string()),
  /** Allowed cipher suites, in the profile's order. */
  ciphers: z.array(z.string()),
  /** Key-exchange groups. */
  groups: z.array(z.string()),
  /** ALPN protocols offered. */
  alpn: z.array(z.string()),
});
export type TlsProfile = z.infer<typeof TlsProfileSchema>;

/** The whole engine state. */
export const StatusSchema = z.object({
  /** Whether an engine (proxy) runs on this data dir, and its identity. */
  engine: z.object({
    running: z.boolean(),
    pid: z.number().optional(),
    startedAt: z.string().optional(),
    version: z.string(),
    dataDir: z.string(),
  }),
  /** The listeners, when running. */
  listeners: z.array(ListenerSchema),
  /** Every project, in config order. */
  projects: z.array(ProjectStatusSchema),
  /** The CA: present or not, and its identity. */
  ca: z.object({
    present: z.boolean(),
    certPath: z.string(),
    fingerprint256: z.string().optional(),
    notAfter: z.string().optional(),
    /** Where the key is kept: a 0600 file, or encrypted by the desktop app's safeStorage. */
    keyProtection: z.enum(['file', 'safeStorage']).optional(),
  }),
  /** The enforced TLS profile. */
  tls: TlsProfileSchema,
});
export type Status = z.infer<typeof StatusSchema>;

/** One request through the proxy, for the live log. */
export const RequestLogEntrySchema = z.object({
  /** Monotonic id, for list keys. */
  id: z.number(),
  /** When it started (ISO 8601). */
  time: z.string(),
  /** The project, or null for an unknown host. */
  project: z.string().nullable(),
  host: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  durationMs: z.number(),
  /** `h2` or `http/1.1`. */
  protocol: z.string(),
  /** `TLSv1.3`, `TLSv1.2`, or null over plain HTTP. */
  tlsVersion: z.string().nullable(),
  /** The negotiated cipher, or null over plain HTTP. */
  cipher: z.string().nullable(),
});
export type RequestLogEntry = z.infer<typeof RequestLogEntrySchema>;
