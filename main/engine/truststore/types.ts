import type { Elevator } from '../system/elevate';
import type { Exec } from '../system/exec';

/**
 * The trust stores Portico knows (security-requirements.md TS-1): the Linux system bundle, the
 * NSS database Chrome/Chromium use on Linux, every Firefox profile, the macOS System keychain,
 * the Windows current-user Root store and Java `cacerts` keystores.
 */
export type TrustStoreId = 'system' | 'nss' | 'firefox' | 'macos' | 'windows' | 'java';

/** The root to trust, as every store needs it. */
export interface RootCert {
  certPem: string;
  /** The PEM file on disk, for tools that read a path. */
  certPath: string;
  /** `Portico CA <serial>`: unique per CA, so a rotated CA never collides with an old entry. */
  nickname: string;
  /** SHA-256 of the DER, `AB:CD:…` (as Node's X509Certificate prints it). */
  fingerprint256: string;
  /** Serial number in upper-case hex. */
  serial: string;
}

export type TrustStatus = 'installed' | 'not-installed' | 'unavailable' | 'error';

/** One store's state, as the CLI prints and the dashboard shows it. */
export interface TrustState {
  store: TrustStoreId;
  status: TrustStatus;
  /** True when the store itself confirmed the root is trusted (not just present). */
  verified?: boolean;
  /** A sentence for a person. */
  detail: string;
  /** What to do next (a command to install a tool, a browser restart…). */
  hint?: string;
  /** Databases, files or keystores holding the root. */
  locations?: string[];
}

export interface Availability {
  available: boolean;
  reason?: string;
  hint?: string;
}

/** The check/install/uninstall triple every store implements (mkcert's truststore_*.go shape). */
export interface TrustStore {
  readonly id: TrustStoreId;
  readonly label: string;
  detect(): Promise<Availability>;
  check(root: RootCert): Promise<TrustState>;
  /** Idempotent: checks first and changes nothing (no prompt) when the root is already trusted. */
  install(root: RootCert): Promise<TrustState>;
  uninstall(root: RootCert): Promise<TrustState>;
}

/** Everything a store touches, injected so tests can use a throwaway HOME and a temp root. */
export interface TrustStoreDeps {
  exec: Exec;
  elevator: Elevator;
  /** The user's home directory. */
  home: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Prefix for system paths (`/etc/...`, `/usr/lib/jvm`); `/` in production, a temp dir in tests. */
  fsRoot?: string;
}
