/**
 * The config document: one versioned JSON file (`<data>/config.json`) shared by the desktop app,
 * `portico serve` and the CLI. Every field has one default, applied here and nowhere else
 * (Caddy's config structs are the model). Older versions are migrated by the engine's store.
 */
import { z } from 'zod';
import { DEFAULT_SUFFIXES } from './names';

/** The version this build writes. A file with a higher version is refused, never rewritten. */
export const CONFIG_VERSION = 1;

/**
 * HSTS policy of a project's HTTPS responses.
 * - `off`: no header (after a stronger policy, `max-age=0` for a while so browsers drop the pin);
 * - `dev`: `max-age=3600`, short so a browser forgets it soon after HTTPS is turned off;
 * - `production`: `max-age=31536000; includeSubDomains`, as a production site would send.
 */
export const HstsPolicySchema = z.enum(['off', 'dev', 'production']);
export type HstsPolicy = z.infer<typeof HstsPolicySchema>;

/**
 * Which Host header the upstream sees.
 * - `preserve`: the project's domain, so the dev server's own Host checks stay meaningful;
 * - `upstream`: the upstream's own `host:port`, for dev servers that refuse unknown hosts.
 */
export const HostHeaderModeSchema = z.enum(['preserve', 'upstream']);
export type HostHeaderMode = z.infer<typeof HostHeaderModeSchema>;

/** One project: a dev server and the names it is reachable under. */
export const ProjectSchema = z.object({
  /** Unique lower-case slug; also the certificate's directory name. */
  name: z.string(),
  /** Origin of the dev server, e.g. `http://localhost:5173`. `localhost` means 127.0.0.1 or ::1, whichever answers. */
  upstream: z.string(),
  /** Host names routed to this project, unique across projects; the first is the primary. */
  domains: z.array(z.string()).min(1),
  /** Whether the proxy routes this project at all. */
  enabled: z.boolean().default(true),
  /** Whether the project is served over HTTPS (HTTP redirects there) or over plain HTTP. */
  https: z.boolean().default(true),
  /** HSTS policy of HTTPS responses. */
  hsts: HstsPolicySchema.default('dev'),
  /** Add `Secure` to cookies set over HTTPS and drop a `Domain` naming the upstream's own host. */
  secureCookies: z.boolean().default(true),
  /** Which Host header the upstream sees. */
  hostHeader: HostHeaderModeSchema.default('preserve'),
  /**
   * Until this time (ISO 8601), HTTPS responses carry `Strict-Transport-Security: max-age=0` so
   * browsers drop a pin set by an earlier, stronger policy. Set when HSTS or HTTPS is turned down.
   */
  hstsResetUntil: z.string().optional(),
  /** When the project was added (ISO 8601). */
  createdAt: z.string(),
  /** When the project last changed (ISO 8601). */
  updatedAt: z.string(),
});
export type Project = z.infer<typeof ProjectSchema>;

/** Settings of the local certificate authority. */
export const CaSettingsSchema = z.object({
  /** Name suffixes the root is constrained to: `localhost` means the name itself, `.test` every name below it. */
  suffixes: z.array(z.string()).min(1).default([...DEFAULT_SUFFIXES]),
});

/** Settings of the per-project certificates. */
export const CertificateSettingsSchema = z.object({
  /** Lifetime of a project certificate in days; renewed when a third of it remains. Capped at 397 (CA/B and Apple limits). */
  lifetimeDays: z.number().int().min(1).max(397).default(90),
});

/** Settings of the proxy listeners. `null` picks 443/80 when they can be bound, else 8443/8080. */
export const ProxySettingsSchema = z.object({
  /** Port of the HTTPS listener. */
  httpsPort: z.number().int().min(1).max(65535).nullable().default(null),
  /** Port of the HTTP listener (redirects to HTTPS; also accepts TLS). */
  httpPort: z.number().int().min(1).max(65535).nullable().default(null),
});

/** The whole config document. */
export const ConfigSchema = z.object({
  /** Schema version of the document. */
  version: z.literal(CONFIG_VERSION),
  /** The projects, in the order they were added. */
  projects: z.array(ProjectSchema).default([]),
  /** Local CA settings. */
  ca: CaSettingsSchema.default(() => CaSettingsSchema.parse({})),
  /** Project certificate settings. */
  certificates: CertificateSettingsSchema.default(() => CertificateSettingsSchema.parse({})),
  /** Proxy listener settings. */
  proxy: ProxySettingsSchema.default(() => ProxySettingsSchema.parse({})),
});
export type Config = z.infer<typeof ConfigSchema>;

/** A fresh config with every default applied. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({ version: CONFIG_VERSION });
}
