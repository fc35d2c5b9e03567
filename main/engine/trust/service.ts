/**
 * The engine-level trust service: the platform's trust stores (truststore/) driven for the data
 * dir's current root, each change recorded in the ledger (TS-7 receipts) so `portico uninstall`
 * and `portico ca rotate` know where the root is. Behind `trust.status/install/uninstall` of the
 * contract and `portico trust`. Whether it may prompt for administrator rights is the caller's
 * `interactive` (issue 4, "Intent").
 */
import { homedir } from 'node:os';
import { isatty } from 'node:tty';
import type { CaManager } from '../ca-manager';
import { PorticoError } from '../errors';
import type { CommandHandlers } from '../handlers';
import { createLedger, withoutTrust, withTrust, type Ledger, type TrustReceipt } from '../ledger';
import type { DataPaths } from '../system/data-dir';
import { withOneConsent } from '../system/consent';
import { createElevator, type Elevator } from '../system/elevate';
import { exec as realExec, type Exec } from '../system/exec';
import {
  createTrustStores,
  installAll,
  rootCertFromPem,
  statusAll,
  uninstallAll,
  type LabelledTrustState,
  type RootCert,
  type TrustStore,
  type TrustStoreDeps,
  type TrustStoreId,
} from '../truststore';
import { porticoCommand, storeArgs } from './command-hint';
import { createRefusingElevator } from './refusing-elevator';
import { materializeRoot, readCurrentRoot, rootInUse } from './roots';

export const TRUST_STORE_IDS: readonly TrustStoreId[] = ['system', 'nss', 'firefox', 'macos', 'windows', 'java'];

export interface TrustServiceOptions {
  paths: DataPaths;
  ca: Pick<CaManager, 'get'>;
  /** The environment of the action: HOME (NSS databases), JAVA_HOME, WSL markers, PORTICO_HOME for hints. */
  env: Record<string, string | undefined>;
  /**
   * A person can answer an elevation prompt for this action: a command typed in a terminal (the
   * user's intent). False for a headless engine serving the dashboard: then a store that needs
   * administrator rights is refused with E_TRUST_FAILED naming the command to run in a terminal,
   * unless the engine already runs as root.
   */
  interactive: boolean;
  platform?: NodeJS.Platform;
  /** Defaults to HOME (USERPROFILE on Windows) from `env`, so a throwaway HOME is honoured. */
  home?: string;
  exec?: Exec;
  /** Defaults to sudo/pkexec, osascript or UAC for this user (none when root). */
  elevator?: Elevator;
  /** Effective user id; 0 means no elevation is needed. Defaults to `process.getuid()`. */
  uid?: number;
  /** Prefix for system paths (tests). */
  fsRoot?: string;
  wsl?: boolean;
  /** Test seam: the stores to use instead of this platform's. */
  stores?: (deps: TrustStoreDeps) => Promise<TrustStore[]>;
  ledger?: Ledger;
  now?: () => Date;
}

export interface TrustService {
  /** Each store's state for the current root (nothing is created or changed). */
  status(stores?: readonly string[]): Promise<LabelledTrustState[]>;
  /** Trusts the current root (created when missing) in each store, recording each success in the ledger. */
  install(stores?: readonly string[]): Promise<LabelledTrustState[]>;
  /** Removes the current root, and every older Portico root the ledger records, from each store. */
  uninstall(stores?: readonly string[]): Promise<LabelledTrustState[]>;
  /** Removes every root the ledger records from the store it records: `portico uninstall`. */
  uninstallRecorded(): Promise<LabelledTrustState[]>;
  /** After `ca rotate`: trusts `newRoot` wherever the ledger says `oldRoot` was, then retires unused old roots. */
  afterRotate(oldRoot: RootCert, newRoot: RootCert): Promise<LabelledTrustState[]>;
  /** Removes recorded roots other than the current one that no project certificate uses any more. */
  retireUnusedRoots(): Promise<LabelledTrustState[]>;
  /** The current root, or null when the data dir has none yet. */
  currentRoot(): Promise<RootCert | null>;
  ledger: Ledger;
  handlers: Pick<CommandHandlers, 'trust.status' | 'trust.install' | 'trust.uninstall'>;
}

function parseStoreIds(input: readonly string[] | undefined): TrustStoreId[] | undefined {
  if (input === undefined || input.length === 0) return undefined;
  const ids = input.map((raw) => raw.trim().toLowerCase());
  const unknown = ids.filter((id) => !(TRUST_STORE_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) {
    throw new PorticoError('E_INVALID_INPUT', `unknown trust store ${unknown.map((id) => `"${id}"`).join(', ')}: use ${TRUST_STORE_IDS.join(', ')}.`);
  }
  return [...new Set(ids as TrustStoreId[])];
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

export function createTrustService(options: TrustServiceOptions): TrustService {
  const { paths, env } = options;
  const platform = options.platform ?? process.platform;
  const exec = options.exec ?? realExec;
  const uid = options.uid ?? process.getuid?.();
  const home = options.home ?? (platform === 'win32' ? env.USERPROFILE : env.HOME) ?? homedir();
  const now = options.now ?? (() => new Date());
  const ledger = options.ledger ?? createLedger(paths.ledger);
  const base = options.elevator ?? createElevator({ platform, exec, ...(uid !== undefined && { uid }), interactive: isatty(0) });
  // Root needs no prompt, so an engine running as root may act on a dashboard request directly.
  const refusing = options.interactive || uid === 0 ? null : createRefusingElevator(base.method);
  const elevator = refusing ?? base;

  const makeStores = async (): Promise<TrustStore[]> => {
    const deps: TrustStoreDeps & { wsl?: boolean } = { exec, elevator, home, env, platform, ...(options.fsRoot && { fsRoot: options.fsRoot }), ...(options.wsl !== undefined && { wsl: options.wsl }) };
    return options.stores ? options.stores(deps) : createTrustStores(deps);
  };

  const pick = (stores: readonly TrustStore[], ids: readonly TrustStoreId[] | undefined) => (ids ? stores.filter((s) => ids.includes(s.id)) : [...stores]);

  /** States for requested stores this machine does not have, so every request gets an answer. */
  const absent = (stores: readonly TrustStore[], ids: readonly TrustStoreId[] | undefined): LabelledTrustState[] =>
    (ids ?? [])
      .filter((id) => !stores.some((s) => s.id === id))
      .map((id) => ({ store: id, label: id, status: 'unavailable' as const, detail: `there is no ${id} trust store on ${PLATFORM_NAMES[platform] ?? platform}${id === 'windows' ? ' (outside WSL)' : ''}` }));

  const receipt = (root: RootCert, state: LabelledTrustState): TrustReceipt => ({
    store: state.store,
    fingerprint256: root.fingerprint256,
    nickname: root.nickname,
    serial: root.serial,
    certPem: root.certPem,
    certPath: root.certPath,
    locations: state.locations ?? [],
    at: now().toISOString(),
  });

  /**
   * When a person is there to consent, every step at once with their privileged commands in one
   * prompt (consent.ts). A refusing elevator tracks refusals per store, so there steps run in turn.
   */
  const togetherOrInTurn = async <T>(steps: readonly (() => Promise<T>)[]): Promise<T[]> => {
    if (!refusing) return withOneConsent<T[]>(steps);
    const results: T[] = [];
    for (const step of steps) results.push(await step());
    return results;
  };

  /**
   * Runs `action` for each store, noting which ones asked for privileges a non-interactive engine
   * may not use; then `settle` records each outcome in the ledger, in store order.
   */
  const each = async (targets: readonly TrustStore[], action: (store: TrustStore) => Promise<LabelledTrustState>, settle: (state: LabelledTrustState) => Promise<void>) => {
    const refused: LabelledTrustState[] = [];
    const states = await togetherOrInTurn(
      targets.map((store) => async () => {
        refusing?.reset();
        const state = await action(store);
        if (refusing && refusing.refused.length > 0) refused.push(state);
        return state;
      }),
    );
    for (const state of states) await settle(state);
    return { states, refused };
  };

  const refusal = (verb: 'install' | 'uninstall', states: readonly LabelledTrustState[], refused: readonly LabelledTrustState[]): PorticoError => {
    const done = states.filter((s) => !refused.includes(s) && s.status === (verb === 'install' ? 'installed' : 'not-installed')).map((s) => s.label);
    const command = porticoCommand(['trust', verb, ...storeArgs(refused.map((s) => s.store))], env);
    const prefix = done.length > 0 ? `${verb === 'install' ? 'Trusted' : 'Removed'} in ${done.join(', ')}. ` : '';
    return new PorticoError(
      'E_TRUST_FAILED',
      `${prefix}${refused.map((s) => s.label).join(', ')} ${refused.length === 1 ? 'needs' : 'need'} administrator rights, which Portico does not ask for from the dashboard. Run this in a terminal instead: ${command}`,
    );
  };

  const installRoot = async (root: RootCert, ids: readonly TrustStoreId[] | undefined): Promise<LabelledTrustState[]> => {
    const stores = await makeStores();
    const { states, refused } = await each(
      pick(stores, ids),
      async (store) => (await installAll(stores, root, [store.id]))[0] as LabelledTrustState,
      async (state) => {
        if (state.status === 'installed') await ledger.update((doc) => withTrust(doc, receipt(root, state)));
      },
    );
    if (refused.length > 0) throw refusal('install', states, refused);
    return [...states, ...absent(stores, ids)];
  };

  /** Removes `root` from `ids` (all stores when undefined); a receipt goes only once the store confirms. */
  const uninstallRoot = async (stores: readonly TrustStore[], root: RootCert, ids: readonly TrustStoreId[] | undefined) =>
    each(
      pick(stores, ids),
      async (store) => (await uninstallAll(stores, root, [store.id]))[0] as LabelledTrustState,
      async (state) => {
        if (state.status === 'not-installed') await ledger.update((doc) => withoutTrust(doc, state.store, root.fingerprint256));
      },
    );

  /** Every recorded root other than `except`, with the stores it was recorded in (optionally narrowed). */
  const recordedRoots = async (except: string | undefined, ids: readonly TrustStoreId[] | undefined) => {
    const byRoot = new Map<string, { receipt: TrustReceipt; stores: TrustStoreId[] }>();
    for (const r of (await ledger.read()).trust) {
      if (r.fingerprint256 === except || (ids && !ids.includes(r.store))) continue;
      const entry = byRoot.get(r.fingerprint256) ?? { receipt: r, stores: [] };
      entry.stores.push(r.store);
      byRoot.set(r.fingerprint256, entry);
    }
    return [...byRoot.values()];
  };

  /** Removes recorded roots; only failures come back, named after the root so they are not mistaken for the current one. */
  const removeRecorded = async (roots: Awaited<ReturnType<typeof recordedRoots>>) => {
    const stores = await makeStores();
    const perRoot = await togetherOrInTurn(
      roots.map(({ receipt: r, stores: ids }) => async () => {
        const material = await materializeRoot(r);
        try {
          const result = await uninstallRoot(stores, material.root, ids);
          const older = (s: LabelledTrustState) => ({ ...s, label: `${s.label} (Portico CA ${r.serial})` });
          return {
            states: [...result.states.map(older), ...absent(stores, ids.filter((id) => !stores.some((s) => s.id === id))).map(older)],
            refused: result.refused.map(older),
          };
        } finally {
          await material.release();
        }
      }),
    );
    return { states: perRoot.flatMap((r) => r.states), refused: perRoot.flatMap((r) => r.refused) };
  };

  const status = async (input?: readonly string[]): Promise<LabelledTrustState[]> => {
    const ids = parseStoreIds(input);
    const stores = await makeStores();
    const root = await readCurrentRoot(paths);
    if (root) return [...(await statusAll(pick(stores, ids), root)), ...absent(stores, ids)];
    const states = await Promise.all(
      pick(stores, ids).map(async (store): Promise<LabelledTrustState> => {
        const availability = await store.detect().catch((error: unknown) => ({ available: false, reason: String(error), hint: undefined }));
        if (!availability.available) {
          return { store: store.id, label: store.label, status: 'unavailable', detail: availability.reason ?? 'not available on this machine', ...(availability.hint && { hint: availability.hint }) };
        }
        return { store: store.id, label: store.label, status: 'not-installed', detail: `there is no local CA yet: \`${porticoCommand(['trust', 'install'], env)}\` creates and trusts it` };
      }),
    );
    return [...states, ...absent(stores, ids)];
  };

  const install = async (input?: readonly string[]): Promise<LabelledTrustState[]> => {
    const ids = parseStoreIds(input);
    const { ca } = await options.ca.get();
    const states = await installRoot(rootCertFromPem(ca.certPem, paths.caCert), ids);
    // A good moment to drop rotated-out roots nothing uses any more; a failure there is doctor's to report.
    await retireUnusedRoots().catch(() => []);
    return states;
  };

  const uninstall = async (input?: readonly string[]): Promise<LabelledTrustState[]> => {
    const ids = parseStoreIds(input);
    const stores = await makeStores();
    const root = await readCurrentRoot(paths);
    const current = root ? await uninstallRoot(stores, root, ids) : { states: [], refused: [] };
    const older = await removeRecorded(await recordedRoots(root?.fingerprint256, ids));
    const refused = [...current.refused, ...older.refused];
    if (refused.length > 0) throw refusal('uninstall', current.states, refused);
    const failures = older.states.filter((s) => s.status === 'error' || s.status === 'installed');
    return [...current.states, ...absent(stores, ids), ...failures];
  };

  const uninstallRecorded = async (): Promise<LabelledTrustState[]> => {
    const { states, refused } = await removeRecorded(await recordedRoots(undefined, undefined));
    if (refused.length > 0) throw refusal('uninstall', states, refused);
    return states;
  };

  const retireUnusedRoots = async (): Promise<LabelledTrustState[]> => {
    const current = await readCurrentRoot(paths);
    const unused = [];
    for (const entry of await recordedRoots(current?.fingerprint256, undefined)) {
      if (!(await rootInUse(paths, entry.receipt))) unused.push(entry);
    }
    if (unused.length === 0) return [];
    const { states, refused } = await removeRecorded(unused);
    if (refused.length > 0) throw refusal('uninstall', states, refused);
    return states;
  };

  const afterRotate = async (oldRoot: RootCert, newRoot: RootCert): Promise<LabelledTrustState[]> => {
    const ids = [...new Set((await ledger.read()).trust.filter((r) => r.fingerprint256 === oldRoot.fingerprint256).map((r) => r.store))];
    const states = ids.length > 0 ? await installRoot(newRoot, ids) : [];
    await retireUnusedRoots();
    return states;
  };

  return {
    status,
    install,
    uninstall,
    uninstallRecorded,
    afterRotate,
    retireUnusedRoots,
    currentRoot: () => readCurrentRoot(paths),
    ledger,
    handlers: {
      'trust.status': () => status(),
      'trust.install': ({ stores }) => install(stores),
      'trust.uninstall': ({ stores }) => uninstall(stores),
    },
  };
}
