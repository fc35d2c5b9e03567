import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineParts } from '../../../../main/engine';
import { runDoctor } from '../../../../main/engine/doctor';
import { localhostForwardingCheck, parseWslConfig, windowsHostsCheck, type WslNetworking } from '../../../../main/engine/doctor/wsl-checks';
import { windowsHostsTarget, type WindowsHostsTarget } from '../../../../main/engine/hosts/wsl-windows';
import { createTrustService } from '../../../../main/engine/trust';
import { createMemoryStore } from '../../../../main/engine/truststore';
import { RecordingExec } from '../../../helpers/recording-exec';
import { makeFakeWsl, type FakeWsl } from '../hosts/fake-wsl';

describe('parseWslConfig', () => {
  const cases: [string, string, WslNetworking][] = [
    ['no file: the defaults', '', { localhostForwarding: true, mirrored: false }],
    ['forwarding off', '[wsl2]\r\nmemory=4GB\r\nlocalhostForwarding=false\r\n', { localhostForwarding: false, mirrored: false }],
    ['any case, spaces and a trailing comment', '\ufeff[WSL2]\n  LocalhostForwarding = False   # no\n', { localhostForwarding: false, mirrored: false }],
    ['forwarding on explicitly', '[wsl2]\nlocalhostForwarding=true\n', { localhostForwarding: true, mirrored: false }],
    ['a commented-out line does not count', '[wsl2]\n# localhostForwarding=false\n; localhostForwarding=false\n', { localhostForwarding: true, mirrored: false }],
    ['the key in another section does not count', '[experimental]\nlocalhostForwarding=false\n', { localhostForwarding: true, mirrored: false }],
    ['mirrored under [wsl2]', '[wsl2]\nnetworkingMode=mirrored\nlocalhostForwarding=false\n', { localhostForwarding: false, mirrored: true }],
    ['mirrored under the older [experimental]', '[experimental]\nnetworkingMode=Mirrored\n', { localhostForwarding: true, mirrored: true }],
    ['NAT named explicitly', '[wsl2]\nnetworkingMode=NAT\n', { localhostForwarding: true, mirrored: false }],
  ];
  for (const [name, text, expected] of cases) it(name, () => expect(parseWslConfig(text)).toEqual(expected));
});

describe('WSL checks', () => {
  let fake: FakeWsl;
  let target: WindowsHostsTarget;
  beforeEach(async () => {
    fake = await makeFakeWsl({ hosts: Buffer.from('127.0.0.1 localhost\r\n') });
    target = { path: fake.hostsPath, exec: fake.exec.exec };
  });
  afterEach(() => fake.cleanup());

  const block = (names: string[]) => ['# BEGIN portico', ...names.flatMap((n) => [`127.0.0.1 ${n}`, `::1 ${n}`]), '# END portico', ''].join('\r\n');

  describe('windowsHostsCheck', () => {
    const cases: { name: string; file: string; wanted: string[]; status: string; detail: RegExp; fix?: RegExp }[] = [
      { name: 'no block yet: names missing', file: '', wanted: ['web.test'], status: 'warn', detail: /browsers on the Windows side read .*hosts, whose Portico block does not map web\.test/, fix: /^portico hosts apply \(one Windows administrator prompt\)$/ },
      { name: 'all there', file: block(['web.test']), wanted: ['web.test'], status: 'ok', detail: /maps 1 name\(s\) to 127\.0\.0\.1 and ::1 for browsers on the Windows side/ },
      { name: 'a name no project uses', file: block(['old.test', 'web.test']), wanted: ['web.test'], status: 'warn', detail: /names no enabled project uses: old\.test/ },
      { name: 'nothing needed', file: '', wanted: [], status: 'ok', detail: /no name needs/ },
      { name: 'a damaged block', file: '# BEGIN portico\r\n', wanted: ['web.test'], status: 'fail', detail: /damaged/, fix: /editor run as administrator/ },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await writeFile(fake.hostsPath, `127.0.0.1 localhost\r\n${c.file}`);
        const found = await windowsHostsCheck(target, c.wanted, {});
        expect(found).toMatchObject({ id: 'wsl.hosts', status: c.status, detail: expect.stringMatching(c.detail) });
        if (c.fix) expect(found.fix).toMatch(c.fix);
      });
    }
    it('skipped when PORTICO_HOSTS_FILE is set', async () => {
      expect(await windowsHostsCheck(null, ['web.test'], {})).toMatchObject({ status: 'skip', detail: expect.stringMatching(/PORTICO_HOSTS_FILE/) });
    });
  });

  describe('localhostForwardingCheck', () => {
    const cases: [string, string | undefined, string, RegExp][] = [
      ['no .wslconfig: on by default', undefined, 'ok', /localhostForwarding is on: the default/],
      ['turned off', '[wsl2]\r\nlocalhostForwarding=false\r\n', 'warn', /localhostForwarding=false in C:\\Users\\me\\\.wslconfig: 127\.0\.0\.1 on Windows does not reach Portico in WSL 2/],
      ['mirrored', '[wsl2]\r\nnetworkingMode=mirrored\r\n', 'ok', /mirrored networking/],
    ];
    for (const [name, text, status, detail] of cases) {
      it(name, async () => {
        if (text !== undefined) await writeFile(fake.wslConfigPath, text);
        const found = await localhostForwardingCheck(fake.exec.exec);
        expect(found).toMatchObject({ id: 'wsl.localhost', status, detail: expect.stringMatching(detail) });
        if (status === 'warn') expect(found.fix).toBe('set localhostForwarding=true under [wsl2] in C:\\Users\\me\\.wslconfig (or delete the line), then run `wsl --shutdown` from Windows');
      });
    }
    it('skipped without interop', async () => {
      expect(await localhostForwardingCheck(new RecordingExec(() => ({ exitCode: 1 })).exec)).toMatchObject({ status: 'skip' });
    });
  });

  describe('runDoctor in a fake WSL', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'portico-doctor-wsl-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('reports the Windows hosts file and localhost forwarding as they are', async () => {
      const parts = createEngineParts({ dataDir: join(dir, 'data') });
      await parts.store.update((config) => ({
        config: {
          ...config,
          projects: [{ name: 'web', upstream: 'http://127.0.0.1:5173', domains: ['web.test'], enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: 't', updatedAt: 't' }],
        },
      }));
      const trust = createTrustService({ paths: parts.paths, ca: parts.ca, env: {}, interactive: true, uid: 0, platform: 'linux', stores: async () => [createMemoryStore({ id: 'nss' })] });
      await writeFile(fake.wslConfigPath, '[wsl2]\nlocalhostForwarding=false\n');
      const env = { WSL_DISTRO_NAME: 'Debian' };
      const report = await runDoctor({
        paths: parts.paths,
        store: parts.store,
        trust,
        env,
        platform: 'linux',
        exec: fake.exec.exec,
        // What `portico doctor` resolves in a distro (no PORTICO_HOSTS_FILE there).
        windowsHosts: await windowsHostsTarget({ platform: 'linux', env, exec: fake.exec.exec }),
        probePort: async (port) => ({ port, state: 'free', detail: 'free' }),
        resolve: async () => ['127.0.0.1'],
        hostProbe: async () => ({ status: 200, body: '' }),
      });
      const wsl = report.checks.filter((c) => c.id.startsWith('wsl.'));
      expect(wsl).toEqual([
        {
          id: 'wsl.hosts',
          title: 'WSL: Windows hosts file',
          status: 'warn',
          detail: `browsers on the Windows side read ${fake.hostsPath}, whose Portico block does not map web.test`,
          fix: 'portico hosts apply (one Windows administrator prompt)',
        },
        expect.objectContaining({ id: 'wsl.localhost', status: 'warn' }),
      ]);
    });
  });
});
