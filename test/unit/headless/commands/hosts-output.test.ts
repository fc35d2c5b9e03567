import { describe, expect, it } from 'vitest';
import { printWindowsOutcome } from '../../../../main/headless/commands/hosts';

function capture() {
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  return { lines, output: { out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) } };
}

describe('printWindowsOutcome', () => {
  const path = '/mnt/c/Windows/System32/drivers/etc/hosts';
  it('nothing outside WSL', () => {
    const { lines, output } = capture();
    expect(printWindowsOutcome(output, undefined)).toBe(false);
    expect(lines).toEqual({ out: [], err: [] });
  });
  it('an update, with the backup', () => {
    const { lines, output } = capture();
    expect(printWindowsOutcome(output, { path, names: ['web.test'], changed: true, backup: '/d/hosts/windows/hosts-1.bak' })).toBe(false);
    expect(lines.out).toEqual([
      `Updated: ${path} (Windows) — the Portico block maps web.test to 127.0.0.1 and ::1 (WSL 2 forwards Windows' localhost to this distro).`,
      'Backup of the previous Windows file: /d/hosts/windows/hosts-1.bak',
    ]);
  });
  it('a failure goes to stderr and fails the command', () => {
    const { lines, output } = capture();
    expect(printWindowsOutcome(output, { path, names: ['web.test'], changed: false, error: { code: 'E_WRITE_FAILED', message: 'declined' } })).toBe(true);
    expect(lines.err).toEqual([`Windows hosts file ${path} NOT updated: declined`]);
  });
});
