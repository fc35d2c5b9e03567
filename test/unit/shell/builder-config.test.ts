import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(join(root, 'package.json'));

interface TargetEntry {
  target: string;
  arch?: string[];
}
interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  extraMetadata: { main: string };
  extraResources: Array<{ from: string; to: string }>;
  asar: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  mac: { target: TargetEntry[]; icon: string };
  win: { target: TargetEntry[]; icon: string };
}

const config = require('./electron-builder.config.cjs') as BuilderConfig;

const hasElectronBuilder = (() => {
  try {
    require.resolve('app-builder-lib/out/util/config/config');
    return true;
  } catch {
    return false;
  }
})();

describe('electron-builder config', () => {
  it('names the app', () => {
    expect(config.appId).toBe('dev.portico.app');
    expect(config.productName).toBe('Portico');
  });

  it('builds AppImage, deb and tar.gz for Linux, a universal dmg for macOS, NSIS for Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'tar.gz']);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['universal'] }]);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
  });

  it('packages only dist/ and package.json: no sources, no tests, no source maps, no node_modules', () => {
    const included = config.files.filter((pattern) => !pattern.startsWith('!'));
    expect(included).toEqual(['dist/**/*', 'package.json']);
    expect(config.files).toContain('!dist/**/*.map');
    expect(config.files).toContain('!dist/portico.mjs');
    expect(config.files).toContain('!**/node_modules/**/*');
    for (const pattern of config.files) expect(pattern).not.toMatch(/^(main|shared|renderer|test|scripts|bin)\b/);
    expect(config.asar).toBe(true);
  });

  it('starts the bundled shell', () => {
    expect(config.extraMetadata.main).toBe('dist/shell/main.cjs');
  });

  it('flips the EL-7 fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('points at icons that exist, all made from build/icon.svg', () => {
    expect(readFileSync(join(root, 'build', 'icon.svg'), 'utf8')).toContain('<svg');
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) expect(existsSync(join(root, config.linux.icon, `${size}x${size}.png`)), `${size}px`).toBe(true);
    expect(readFileSync(join(root, config.win.icon)).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(readFileSync(join(root, config.mac.icon)).subarray(0, 4).toString('latin1')).toBe('icns');
  });

  it('ships the tray and window icons the app loads at run time', () => {
    const [icons] = config.extraResources;
    expect(icons).toMatchObject({ from: 'build/runtime-icons', to: 'icons' });
    for (const state of ['ok', 'attention', 'stopped']) {
      for (const name of [`tray-${state}.png`, `tray-${state}@2x.png`, `tray-${state}Template.png`, `tray-${state}Template@2x.png`]) {
        expect(existsSync(join(root, icons!.from, name)), name).toBe(true);
      }
    }
    expect(existsSync(join(root, icons!.from, 'window.png'))).toBe(true);
  });

  it.skipIf(!hasElectronBuilder)("matches electron-builder's own schema (unknown keys are rejected at load)", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, logger: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
  });
});
