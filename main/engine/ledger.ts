/**
 * The ledger: every change Portico made outside its data dir — a root trusted in a store, the
 * hosts block, a port privilege — recorded when it is made so `portico uninstall` reverts exactly
 * those and nothing else (security-requirements.md TS-7 "receipts", TS-8 "full uninstall").
 * One JSON file, `<data>/ledger.json`, written atomically under its own lock so a trust install
 * waiting on a password prompt never holds the config lock.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PorticoError } from './errors';
import { writeFileAtomic } from './system/atomic-file';
import { withLock, type LockOptions } from './system/lock';
import type { TrustStoreId } from './truststore';

export const LEDGER_VERSION = 1;

/** A Portico root trusted in one store. */
export interface TrustReceipt {
  store: TrustStoreId;
  /** SHA-256 of the root, `AB:CD:…`: which root this is, across rotations. */
  fingerprint256: string;
  /** The entry's name in the store: `Portico CA <serial>`. */
  nickname: string;
  serial: string;
  /** The root itself (public), so the entry can be removed after a rotation or a lost CA file. */
  certPem: string;
  /** Where the root's PEM was when it was installed. */
  certPath: string;
  /** Databases, anchor files or keystores that held it. */
  locations: string[];
  at: string;
}

/** The managed block of one hosts file. */
export interface HostsReceipt {
  path: string;
  /** The names the block maps to loopback. */
  names: string[];
  /** `.localhost` names go into the block too (for Safari and CLI tools): the user's choice, kept for later syncs. */
  includeLocalhost: boolean;
  at: string;
  /**
   * `wsl-interop`: the Windows hosts file, written from WSL through a UAC-elevated PowerShell
   * (hosts/wsl-windows.ts), so removing the block needs that path too, not sudo. Absent: written
   * like any hosts file of this OS.
   */
  via?: 'wsl-interop';
}

/** A one-time change that lets Portico bind ports 80 and 443. */
export interface PortReceipt {
  method: 'sysctl' | 'setcap';
  /** What changed, for a person. */
  description: string;
  /** The commands (argv) that undo it, run with administrator rights. */
  undo: string[][];
  at: string;
}

export interface LedgerDocument {
  version: typeof LEDGER_VERSION;
  trust: TrustReceipt[];
  hosts: HostsReceipt[];
  ports: PortReceipt[];
}

export function emptyLedger(): LedgerDocument {
  return { version: LEDGER_VERSION, trust: [], hosts: [], ports: [] };
}

export function isLedgerEmpty(doc: LedgerDocument): boolean {
  return doc.trust.length === 0 && doc.hosts.length === 0 && doc.ports.length === 0;
}

/** Adds a trust receipt, replacing the one for the same store and root. */
export function withTrust(doc: LedgerDocument, receipt: TrustReceipt): LedgerDocument {
  return { ...doc, trust: [...doc.trust.filter((r) => !(r.store === receipt.store && r.fingerprint256 === receipt.fingerprint256)), receipt] };
}

export function withoutTrust(doc: LedgerDocument, store: TrustStoreId, fingerprint256: string): LedgerDocument {
  return { ...doc, trust: doc.trust.filter((r) => !(r.store === store && r.fingerprint256 === fingerprint256)) };
}

export function withHosts(doc: LedgerDocument, receipt: HostsReceipt): LedgerDocument {
  return { ...doc, hosts: [...doc.hosts.filter((r) => r.path !== receipt.path), receipt] };
}

export function withoutHosts(doc: LedgerDocument, path: string): LedgerDocument {
  return { ...doc, hosts: doc.hosts.filter((r) => r.path !== path) };
}

export function withPort(doc: LedgerDocument, receipt: PortReceipt): LedgerDocument {
  return { ...doc, ports: [...doc.ports.filter((r) => r.method !== receipt.method), receipt] };
}

export function withoutPort(doc: LedgerDocument, method: PortReceipt['method']): LedgerDocument {
  return { ...doc, ports: doc.ports.filter((r) => r.method !== method) };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const TRUST_STORES: readonly string[] = ['system', 'nss', 'firefox', 'macos', 'windows', 'java'];

function isTrustReceipt(value: unknown): value is TrustReceipt {
  const r = value as Partial<TrustReceipt> | null;
  return (
    typeof r === 'object' && r !== null && isString(r.store) && TRUST_STORES.includes(r.store) &&
    isString(r.fingerprint256) && isString(r.nickname) && isString(r.serial) && isString(r.certPem) &&
    isString(r.certPath) && isStringArray(r.locations) && isString(r.at)
  );
}

function isHostsReceipt(value: unknown): value is HostsReceipt {
  const r = value as Partial<HostsReceipt> | null;
  return (
    typeof r === 'object' && r !== null && isString(r.path) && isStringArray(r.names) && typeof r.includeLocalhost === 'boolean' && isString(r.at) &&
    (r.via === undefined || r.via === 'wsl-interop')
  );
}

function isPortReceipt(value: unknown): value is PortReceipt {
  const r = value as Partial<PortReceipt> | null;
  return (
    typeof r === 'object' && r !== null && (r.method === 'sysctl' || r.method === 'setcap') && isString(r.description) &&
    Array.isArray(r.undo) && r.undo.every(isStringArray) && isString(r.at)
  );
}

/**
 * The document in `text`. A ledger that cannot be read is refused rather than replaced: it is the
 * only record of what to undo, so overwriting it would make a clean uninstall impossible.
 */
export function parseLedger(text: string, path: string): LedgerDocument {
  const corrupt = (why: string) =>
    new PorticoError('E_CONFIG_CORRUPT', `the ledger ${path} ${why}; Portico left it untouched. Fix it, or move it aside if you have undone its changes by hand, and retry.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt('is not valid JSON');
  }
  const doc = value as Partial<LedgerDocument> | null;
  if (typeof doc !== 'object' || doc === null) throw corrupt('is not a JSON object');
  if (typeof doc.version === 'number' && doc.version > LEDGER_VERSION) {
    throw new PorticoError('E_CONFIG_TOO_NEW', `the ledger ${path} was written by a newer Portico (version ${doc.version}); use that version to uninstall.`);
  }
  if (doc.version !== LEDGER_VERSION) throw corrupt('has no known version');
  const list = <T>(items: unknown, valid: (item: unknown) => item is T, what: string): T[] => {
    if (items === undefined) return [];
    if (!Array.isArray(items) || !items.every(valid)) throw corrupt(`has a malformed "${what}" list`);
    return items;
  };
  return {
    version: LEDGER_VERSION,
    trust: list(doc.trust, isTrustReceipt, 'trust'),
    hosts: list(doc.hosts, isHostsReceipt, 'hosts'),
    ports: list(doc.ports, isPortReceipt, 'ports'),
  };
}

export interface Ledger {
  readonly path: string;
  /** The ledger as it is now; empty when there is none. */
  read(): Promise<LedgerDocument>;
  /** Read-modify-write under the ledger's lock, written atomically; returns the new document. */
  update(mutate: (doc: LedgerDocument) => LedgerDocument): Promise<LedgerDocument>;
}

export function createLedger(path: string, lockOptions: LockOptions = {}): Ledger {
  const lockPath = join(dirname(path), 'ledger.lock');
  const read = async (): Promise<LedgerDocument> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLedger();
      throw new PorticoError('E_WRITE_FAILED', `cannot read the ledger ${path}: ${(error as Error).message}`, { cause: error });
    }
    return parseLedger(text, path);
  };
  return {
    path,
    read,
    update: (mutate) =>
      withLock(
        lockPath,
        async () => {
          const next = mutate(await read());
          await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 });
          return next;
        },
        lockOptions,
      ),
  };
}
