import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustSucceed } from '../system/exec';
import { exists, isDirectory, rooted } from './paths';
import { settled } from './state';
import type { RootCert, TrustState, TrustStore, TrustStoreDeps } from './types';

/** Where one distribution family keeps extra trust anchors and how it rebuilds its bundle. */
export interface LinuxLayout {
  family: 'fedora' | 'debian' | 'arch' | 'opensuse';
  /** Directory for administrator-added anchors (absolute, without fsRoot). */
  anchorDir: string;
  /** Debian's update-ca-certificates only picks up `*.crt` (update-ca-certificates(8)). */
  extension: '.crt' | '.pem';
  /** The command that regenerates the bundles. */
  refresh: string[];
  /** The generated PEM bundle TLS clients read, used to verify the refresh happened. */
  bundle: string;
}

/** Checked in the order of security-requirements.md TS-3 (mkcert truststore_linux.go: RHEL's directory first). */
export const LINUX_LAYOUTS: readonly LinuxLayout[] = [
  { family: 'fedora', anchorDir: '/etc/pki/ca-trust/source/anchors', extension: '.pem', refresh: ['update-ca-trust', 'extract'], bundle: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem' },
  { family: 'debian', anchorDir: '/usr/local/share/ca-certificates', extension: '.crt', refresh: ['update-ca-certificates'], bundle: '/etc/ssl/certs/ca-certificates.crt' },
  { family: 'arch', anchorDir: '/etc/ca-certificates/trust-source/anchors', extension: '.crt', refresh: ['trust', 'extract-compat'], bundle: '/etc/ssl/certs/ca-certificates.crt' },
  { family: 'opensuse', anchorDir: '/usr/share/pki/trust/anchors', extension: '.pem', refresh: ['update-ca-certificates'], bundle: '/var/lib/ca-certificates/ca-bundle.pem' },
];

export async function detectLinuxLayout(fsRoot?: string): Promise<LinuxLayout | null> {
  for (const layout of LINUX_LAYOUTS) if (await isDirectory(rooted(fsRoot, layout.anchorDir))) return layout;
  return null;
}

/** Unique per root, so a rotated CA never overwrites or deletes another one's file (TS-3). */
export function anchorFileName(root: RootCert, layout: LinuxLayout): string {
  return `portico-ca-${root.serial.toLowerCase()}${layout.extension}`;
}

export interface LinuxStoreOptions {
  /** Overrides detection (tests, or a layout the user picked). */
  layout?: LinuxLayout;
  /** Overrides the layout's refresh command. */
  refreshCommand?: string[];
}

/** The bytes we write: the PEM with exactly one final newline, since the bundle is a concatenation. */
function anchorBytes(root: RootCert): string {
  return `${root.certPem.trimEnd()}\n`;
}

export function createLinuxSystemStore(deps: TrustStoreDeps, options: LinuxStoreOptions = {}): TrustStore {
  const id = 'system';
  const layoutOf = async () => options.layout ?? (await detectLinuxLayout(deps.fsRoot));
  const unsupported = 'no supported system trust layout found (Debian/Ubuntu, Fedora/RHEL, Arch, openSUSE)';
  const unsupportedHint = 'Browsers still trust Portico through their own stores; add the root certificate to the system store by hand if other tools need it.';
  const adding = { reason: 'trust the Portico CA system-wide' };
  const removing = { reason: 'remove the Portico CA from the system store' };

  /** `openssl verify` of the root against the bundle alone: succeeds only when the refresh put it there. */
  const inBundle = async (root: RootCert, layout: LinuxLayout): Promise<boolean | undefined> => {
    const bundle = rooted(deps.fsRoot, layout.bundle);
    if (!(await exists(bundle))) return undefined;
    try {
      const result = await deps.exec(['openssl', 'verify', '-no-CApath', '-CAfile', bundle, root.certPath]);
      return result.exitCode === 0;
    } catch {
      return undefined; // no openssl: presence is all we can tell
    }
  };

  const check = async (root: RootCert): Promise<TrustState> => {
    const layout = await layoutOf();
    if (!layout) return { store: id, status: 'unavailable', detail: unsupported, hint: unsupportedHint };
    const file = join(rooted(deps.fsRoot, layout.anchorDir), anchorFileName(root, layout));
    const content = await readFile(file, 'utf8').catch(() => null);
    if (content === null) return { store: id, status: 'not-installed', detail: `not in the ${layout.family} system store` };
    if (content !== anchorBytes(root)) return { store: id, status: 'not-installed', detail: `${file} holds a different certificate; reinstall to replace it`, locations: [file] };
    const verified = await inBundle(root, layout);
    const detail =
      verified === false
        ? `${file} is present but the system bundle was not rebuilt; reinstall to run ${layout.refresh.join(' ')}`
        : `trusted system-wide (${file})`;
    return { store: id, status: 'installed', ...(verified === undefined ? {} : { verified }), detail, locations: [file] };
  };

  const store: TrustStore = {
    id,
    label: 'System (Linux)',
    async detect() {
      const layout = await layoutOf();
      return layout ? { available: true } : { available: false, reason: unsupported, hint: unsupportedHint };
    },
    check,
    async install(root) {
      const before = await check(root);
      if (before.status === 'unavailable' || (before.status === 'installed' && before.verified !== false)) return before;
      const layout = (await layoutOf()) as LinuxLayout;
      const refresh = options.refreshCommand ?? layout.refresh;
      const target = join(rooted(deps.fsRoot, layout.anchorDir), anchorFileName(root, layout));
      const staging = await mkdtemp(join(tmpdir(), 'portico-anchor-'));
      try {
        const commands: string[][] = [];
        if (before.status !== 'installed') {
          const source = join(staging, anchorFileName(root, layout));
          await writeFile(source, anchorBytes(root));
          await chmod(source, 0o644);
          // install(1) copies with an explicit mode and root ownership: no shell, no `tee` (TS-3, TS-6).
          commands.push(['install', '-m', '0644', source, target]);
        }
        commands.push(refresh);
        const result = await deps.elevator.runAll(commands, adding);
        // Judged by the store itself: in a batch (consent.ts) a failure may have been another step's.
        const after = await check(root);
        if (after.verified !== true) mustSucceed(result, 'adding the Portico CA to the system store');
        return { ...after, hint: 'Programs read the system store when they start: restart them.' };
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
    async uninstall(root) {
      const layout = await layoutOf();
      if (!layout) return check(root);
      const target = join(rooted(deps.fsRoot, layout.anchorDir), anchorFileName(root, layout));
      if (!(await exists(target))) return check(root);
      const refresh = options.refreshCommand ?? layout.refresh;
      const result = await deps.elevator.runAll([['rm', '-f', target], refresh], removing);
      const after = await check(root);
      if (after.status === 'installed') mustSucceed(result, 'removing the Portico CA from the system store');
      return after;
    },
  };
  return settled(store);
}
