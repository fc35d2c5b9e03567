/**
 * Stable error codes. Every failure that reaches a user — CLI exit message, control API answer,
 * dashboard banner — carries one of these, so scripts and the UI can branch on the code while the
 * message explains what to do next.
 */
export const ERROR_CODES = [
  /** Input failed validation (a field of a command, a CLI flag). */
  'E_INVALID_INPUT',
  /** A project name is not a lower-case slug. */
  'E_INVALID_NAME',
  /** A domain is malformed, a bare suffix, or a wildcard where none is allowed. */
  'E_INVALID_DOMAIN',
  /** A port is outside 1–65535. */
  'E_INVALID_PORT',
  /** An upstream URL is malformed or uses a scheme other than http/https. */
  'E_INVALID_UPSTREAM',
  /** Another project already has this name. */
  'E_DUPLICATE_NAME',
  /** Another project already serves this domain. */
  'E_DUPLICATE_DOMAIN',
  /** The domain is outside the local CA's name constraints. */
  'E_DOMAIN_NOT_PERMITTED',
  /** No project has this name. */
  'E_PROJECT_NOT_FOUND',
  /** The config file is not valid JSON or does not match the schema; it was left untouched. */
  'E_CONFIG_CORRUPT',
  /** The config file was written by a newer Portico; it was left untouched. */
  'E_CONFIG_TOO_NEW',
  /** Writing a file failed (disk full, read-only, permissions); the previous file is intact. */
  'E_WRITE_FAILED',
  /** The data dir's lock could not be taken in time. */
  'E_LOCK_TIMEOUT',
  /** The CA files are missing a part, unreadable or do not match each other. */
  'E_CA_CORRUPT',
  /** The CA key is encrypted by the desktop app and cannot be used from here. */
  'E_CA_LOCKED',
  /** A port is already bound by another process. */
  'E_PORT_IN_USE',
  /** A port below 1024 needs a privilege this process does not have. */
  'E_PORT_PRIVILEGED',
  /** An engine already runs on this data dir. */
  'E_ENGINE_RUNNING',
  /** The command needs a running engine and none runs. */
  'E_ENGINE_NOT_RUNNING',
  /** A trust store could not be changed. */
  'E_TRUST_FAILED',
  /** A required tool (certutil, keytool, …) is not installed. */
  'E_TOOL_MISSING',
  /** The hosts file's Portico block is malformed; nothing was written. */
  'E_HOSTS_CORRUPT',
  /** An external command failed; the message carries its argv and output. */
  'E_EXEC_FAILED',
  /** The control API refused a request without a valid token. */
  'E_UNAUTHORIZED',
  /** The control API refused a request from a foreign Host or Origin. */
  'E_FORBIDDEN',
  /** A command name is not part of the contract. */
  'E_UNKNOWN_COMMAND',
  /** A bug: something that should not happen. */
  'E_INTERNAL',
] as const;

/** One of the stable error codes above. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What travels across a transport (IPC, HTTP, CLI JSON) when a command fails. */
export interface ErrorShape {
  /** The stable code to branch on. */
  code: ErrorCode;
  /** A sentence for a person: what went wrong and what to do next. */
  message: string;
}

/** True when `value` is one of the known error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
