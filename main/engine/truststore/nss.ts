import { addToNssDb, createNssDb, inspectNssDb, nssDbIn, probeCertutil, removeFromNssDb, type NssDb, type NssTool } from './nss-db';
import { subdirectories } from './paths';
import { settled } from './state';
import type { RootCert, TrustState, TrustStore, TrustStoreDeps, TrustStoreId } from './types';

export interface NssStoreOptions {
  /** The certutil binary to run. */
  certutil: string;
  /** How to install certutil on this machine (`sudo apt install libnss3-tools`, …). */
  toolHint: string;
}

export interface ChromiumNssOptions extends NssStoreOptions {
  /** The shared NSS database Chrome/Chromium read on Linux (`~/.pki/nssdb`); created when missing. */
  primary: string;
  /** Other databases used when they exist (Snap Chromium keeps its own). */
  extra: string[];
}

export interface FirefoxNssOptions extends NssStoreOptions {
  /** Directories whose sub-directories are Firefox profiles (`~/.mozilla/firefox`, Snap, Flatpak…). */
  profileBases: string[];
}

const RESTART_HINT = 'Restart the browser so it reloads its certificate database.';

/** Chrome/Chromium on Linux: the per-user NSS database, created like Chromium does when absent. */
export function createChromiumNssStore(deps: TrustStoreDeps, options: ChromiumNssOptions): TrustStore {
  const databases = async (create: boolean): Promise<NssDb[]> => {
    const found: NssDb[] = [];
    const primary = await nssDbIn(options.primary);
    if (primary) found.push(primary);
    else if (create) found.push(await createNssDb(tool(deps, options), options.primary));
    for (const dir of options.extra) {
      const db = await nssDbIn(dir);
      if (db) found.push(db);
    }
    return found;
  };
  return nssStore(deps, options, {
    id: 'nss',
    label: 'Chrome/Chromium (NSS)',
    databases,
    none: `no NSS database at ${options.primary} yet; installing creates it`,
  });
}

/** Every Firefox profile that has a certificate database (Firefox must have run once). */
export function createFirefoxNssStore(deps: TrustStoreDeps, options: FirefoxNssOptions): TrustStore {
  const databases = async (): Promise<NssDb[]> => {
    const found: NssDb[] = [];
    for (const base of options.profileBases) {
      for (const dir of await subdirectories(base)) {
        const db = await nssDbIn(dir);
        if (db) found.push(db);
      }
    }
    return found;
  };
  return nssStore(deps, options, {
    id: 'firefox',
    label: 'Firefox',
    databases,
    none: 'no Firefox profile found; start Firefox once so it creates one, then retry',
    detectWithoutDb: true,
  });
}

interface Flavour {
  id: TrustStoreId;
  label: string;
  databases(create: boolean): Promise<NssDb[]>;
  /** What to say when there is no database. */
  none: string;
  /** Report "unavailable" from detect() when no database exists (Firefox not used here). */
  detectWithoutDb?: boolean;
}

function tool(deps: TrustStoreDeps, options: NssStoreOptions): NssTool {
  return { exec: deps.exec, elevator: deps.elevator, certutil: options.certutil };
}

function nssStore(deps: TrustStoreDeps, options: NssStoreOptions, flavour: Flavour): TrustStore {
  const certutil = tool(deps, options);
  const { id } = flavour;

  const check = async (root: RootCert): Promise<TrustState> => {
    await probeCertutil(certutil);
    const dbs = await flavour.databases(false);
    if (dbs.length === 0) return { store: id, status: 'not-installed', detail: flavour.none };
    const entries = await Promise.all(dbs.map((db) => inspectNssDb(certutil, db, root)));
    const holding = dbs.filter((_, index) => entries[index]?.present).map((db) => db.dir);
    const verified = entries.every((entry) => entry.verified);
    if (holding.length === dbs.length) {
      const detail = verified ? `trusted in ${count(dbs.length)}` : `present in ${count(dbs.length)} but not trusted for TLS servers; reinstall to fix the trust flags`;
      return { store: id, status: 'installed', verified, detail, locations: holding };
    }
    const detail = holding.length === 0 ? `not in ${count(dbs.length)}` : `trusted in ${holding.length} of ${count(dbs.length)}`;
    return { store: id, status: 'not-installed', verified: false, detail, locations: holding };
  };

  const store: TrustStore = {
    id,
    label: flavour.label,
    async detect() {
      try {
        await probeCertutil(certutil);
      } catch {
        return { available: false, reason: 'certutil (NSS tools) is not installed', hint: options.toolHint };
      }
      if (flavour.detectWithoutDb && (await flavour.databases(false)).length === 0) {
        return { available: false, reason: flavour.none };
      }
      return { available: true };
    },
    check,
    async install(root) {
      await probeCertutil(certutil);
      const dbs = await flavour.databases(true);
      if (dbs.length === 0) return { store: id, status: 'not-installed', detail: flavour.none };
      for (const db of dbs) {
        const entry = await inspectNssDb(certutil, db, root);
        // Re-adding an entry that lacks the C flag rewrites its trust; a verified one is left alone.
        if (!entry.verified) await addToNssDb(certutil, db, root);
      }
      return { ...(await check(root)), hint: RESTART_HINT };
    },
    async uninstall(root) {
      await probeCertutil(certutil);
      for (const db of await flavour.databases(false)) await removeFromNssDb(certutil, db, root);
      return check(root);
    },
  };
  return settled(store, options.toolHint);
}

function count(n: number): string {
  return n === 1 ? '1 database' : `${n} databases`;
}
