/**
 * The contract between the engine and every client (the dashboard over HTTP or IPC, the tray,
 * the CLI talking to a running engine): command names with input and output schemas, and event
 * names with payloads. One dispatcher validates input against these schemas; clients are typed
 * from them. Names are `noun.verb`; events are `noun.changed` / `noun.logged`.
 */
import { z } from 'zod';
import { HostHeaderModeSchema, HstsPolicySchema, ProjectSchema } from './config';
import { ErrorCodeSchema } from './error-schema';
import { RequestLogEntrySchema, StatusSchema } from './status';
import { CaViewSchema, CertViewSchema } from './views';

const name = z.string().min(1).max(63);

/** Input of `projects.add`: exactly one of `port` and `upstream`. */
export const AddProjectInputSchema = z.object({
  /** Lower-case slug. */
  name,
  /** The dev server's port on this machine (upstream `http://localhost:<port>`). */
  port: z.union([z.number(), z.string()]).optional(),
  /** The dev server's origin, instead of a port. */
  upstream: z.string().optional(),
  /** Domains to serve; default `<name>.localhost`. */
  domains: z.array(z.string()).optional(),
  https: z.boolean().optional(),
  hsts: HstsPolicySchema.optional(),
  secureCookies: z.boolean().optional(),
  hostHeader: HostHeaderModeSchema.optional(),
});
export type AddProjectInput = z.infer<typeof AddProjectInputSchema>;

/** Changes accepted by `projects.update`; absent fields stay as they are. */
export const ProjectChangesSchema = z.object({
  upstream: z.string().optional(),
  /** Shorthand for the upstream's port, keeping its scheme and host. */
  port: z.union([z.number(), z.string()]).optional(),
  domains: z.array(z.string()).optional(),
  hsts: HstsPolicySchema.optional(),
  secureCookies: z.boolean().optional(),
  hostHeader: HostHeaderModeSchema.optional(),
  https: z.boolean().optional(),
  enabled: z.boolean().optional(),
}).strict();
export type ProjectChanges = z.infer<typeof ProjectChangesSchema>;

/** A trust store's state, as `portico trust status` and the CA panel show it. */
export const TrustStateSchema = z.object({
  /** Store id: `system`, `nss`, `firefox`, `macos`, `windows`, `java`. */
  store: z.string(),
  /** Human name, e.g. "Chrome/Chromium (NSS ~/.pki/nssdb)". */
  label: z.string(),
  status: z.enum(['installed', 'not-installed', 'unavailable', 'error']),
  /** True when a real verification (certutil -V, openssl verify, security verify-cert) passed. */
  verified: z.boolean().optional(),
  /** What was found, in words. */
  detail: z.string(),
  /** What to do about it, when something is missing. */
  hint: z.string().optional(),
  /** Where the root was found: NSS database directories, anchor files, keystores. */
  locations: z.array(z.string()).optional(),
});
export type TrustStateView = z.infer<typeof TrustStateSchema>;

const empty = z.object({}).strict();
const byName = z.object({ name }).strict();
const toggle = z.object({ name, enabled: z.boolean() }).strict();

/** Every command: its input and output schema. */
export const commands = {
  'status.get': { input: empty, output: StatusSchema },
  'projects.list': { input: empty, output: z.array(ProjectSchema) },
  'projects.get': { input: byName, output: ProjectSchema },
  'projects.add': { input: AddProjectInputSchema, output: ProjectSchema },
  'projects.update': { input: z.object({ name, changes: ProjectChangesSchema }).strict(), output: ProjectSchema },
  'projects.remove': { input: byName, output: ProjectSchema },
  'projects.setHttps': { input: toggle, output: ProjectSchema },
  'projects.setEnabled': { input: toggle, output: ProjectSchema },
  'ca.get': { input: empty, output: CaViewSchema },
  'ca.rotate': { input: z.object({ addSuffixes: z.array(z.string()).default([]) }).strict(), output: CaViewSchema },
  'certs.get': { input: byName, output: CertViewSchema },
  'trust.status': { input: empty, output: z.array(TrustStateSchema) },
  'trust.install': { input: z.object({ stores: z.array(z.string()).optional() }).strict(), output: z.array(TrustStateSchema) },
  'trust.uninstall': { input: z.object({ stores: z.array(z.string()).optional() }).strict(), output: z.array(TrustStateSchema) },
  'requests.recent': { input: z.object({ project: z.string().optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(), output: z.array(RequestLogEntrySchema) },
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>;
export type CommandOutput<N extends CommandName> = z.infer<Commands[N]['output']>;
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

/** Every event: its payload schema. */
export const events = {
  'status.changed': StatusSchema,
  'project.changed': z.object({ name, project: ProjectSchema.nullable() }),
  'request.logged': RequestLogEntrySchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** The answer to a command, whatever the transport: a value, or `{code, message}`. */
export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.union([z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: z.object({ code: ErrorCodeSchema, message: z.string() }) })]);
export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: z.infer<typeof ErrorCodeSchema>; message: string } };

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && Object.hasOwn(commands, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}
