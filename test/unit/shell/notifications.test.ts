import { describe, expect, it, vi } from 'vitest';
import type { Status } from '../../../shared/status';
import { decideNotifications, EMPTY_HISTORY } from '../../../main/shell/notifications';
import type { NotificationSettings, RateLimits } from '../../../main/shell/notifications';
import { createNotifier } from '../../../main/shell/notifier';
import { projectStatus, status } from './fixtures';
import type { ProjectOptions } from './fixtures';

const all: NotificationSettings = { enabled: true, certificateRenewed: true, upstreamDown: true };
const limits: RateLimits = { perKeyIntervalMs: 600_000, windowMs: 60_000, maxPerWindow: 3 };
const snapshot = (...projects: ProjectOptions[]) => status(projects.map(projectStatus));
const MIN = 60_000;

describe('decideNotifications', () => {
  const cases: Array<[string, Status | null, Status, NotificationSettings, string[]]> = [
    ['the first status is only a baseline', null, snapshot({ name: 'web', health: 'down' }), all, []],
    ['a dev server that was up went down', snapshot({ name: 'web' }), snapshot({ name: 'web', health: 'down', reason: 'ECONNREFUSED' }), all, ['upstream-down:web']],
    ['a dev server never seen up is not "down"', snapshot({ name: 'web', health: 'unknown' }), snapshot({ name: 'web', health: 'down' }), all, []],
    ['a dev server that stays down is told once', snapshot({ name: 'web', health: 'down' }), snapshot({ name: 'web', health: 'down' }), all, []],
    ['a disabled project going down is not news', snapshot({ name: 'web' }), snapshot({ name: 'web', health: 'down', enabled: false }), all, []],
    ['a renewed certificate (new fingerprint)', snapshot({ name: 'web', fingerprint: 'AA:01' }), snapshot({ name: 'web', fingerprint: 'BB:02' }), all, ['certificate-renewed:web']],
    ['a first certificate is not a renewal', snapshot({ name: 'web', fingerprint: null }), snapshot({ name: 'web', fingerprint: 'BB:02' }), all, []],
    ['a project added since is not news', snapshot(), snapshot({ name: 'web', health: 'down' }), all, []],
    ['the master switch off', snapshot({ name: 'web' }), snapshot({ name: 'web', health: 'down', fingerprint: 'BB' }), { ...all, enabled: false }, []],
    ['renewals off, downs on', snapshot({ name: 'web' }), snapshot({ name: 'web', health: 'down', fingerprint: 'BB' }), { ...all, certificateRenewed: false }, ['upstream-down:web']],
    ['downs off, renewals on', snapshot({ name: 'web' }), snapshot({ name: 'web', health: 'down', fingerprint: 'BB' }), { ...all, upstreamDown: false }, ['certificate-renewed:web']],
    ['the engine stopped', snapshot({ name: 'web' }), status([projectStatus({ name: 'web', health: 'down' })], { running: false }), all, []],
  ];
  it.each(cases)('%s', (_name, previous, next, settings, expected) => {
    const { show } = decideNotifications(previous, next, 0, settings, EMPTY_HISTORY, limits);
    expect(show.map((n) => `${n.kind}:${n.project}`)).toEqual(expected);
  });

  it('says what happened and where, in words', () => {
    const { show } = decideNotifications(snapshot({ name: 'web' }), snapshot({ name: 'web', health: 'down', reason: 'connection refused' }), 0, all, EMPTY_HISTORY, limits);
    expect(show[0]).toMatchObject({ title: 'Dev server stopped: web', body: expect.stringContaining('http://localhost:5173 stopped answering (connection refused)') });
    expect(show[0]!.body).toContain('https://web.localhost');
  });

  it('rate-limits a flapping dev server to one notification per interval', () => {
    const up = snapshot({ name: 'web' });
    const down = snapshot({ name: 'web', health: 'down' });
    let history = EMPTY_HISTORY;
    const shown: number[] = [];
    // Down and up again every minute for 25 minutes.
    for (let minute = 0; minute < 25; minute++) {
      const now = minute * MIN;
      const decided = decideNotifications(up, down, now, all, history, limits);
      history = decided.history;
      if (decided.show.length > 0) shown.push(minute);
    }
    expect(shown).toEqual([0, 10, 20]);
  });

  it('caps a burst (a laptop waking up) at maxPerWindow, then lets new ones through after the window', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const up = snapshot(...names.map((name) => ({ name })));
    const down = snapshot(...names.map((name) => ({ name, health: 'down' as const })));
    const first = decideNotifications(up, down, 0, all, EMPTY_HISTORY, limits);
    expect(first.show.map((n) => n.project)).toEqual(['a', 'b', 'c']);
    const soon = decideNotifications(up, down, 30_000, all, first.history, limits);
    expect(soon.show).toEqual([]);
    const later = decideNotifications(up, down, 61_000, all, soon.history, limits);
    expect(later.show.map((n) => n.project)).toEqual(['d', 'e']);
  });

  it('does not change the history when nothing is shown', () => {
    const decided = decideNotifications(null, snapshot(), 5, all, EMPTY_HISTORY, limits);
    expect(decided.history).toBe(EMPTY_HISTORY);
  });
});

describe('notifier (Electron Notification adapter)', () => {
  function setup(supported = true, settings: NotificationSettings = all) {
    const created: Array<{ options: unknown; show: ReturnType<typeof vi.fn<() => void>>; click?: () => void }> = [];
    const onClick = vi.fn();
    let now = 0;
    const notifier = createNotifier({
      factory: {
        isSupported: () => supported,
        create: (options) => {
          const entry: (typeof created)[number] = { options, show: vi.fn<() => void>() };
          created.push(entry);
          return { on: (_event: 'click', listener: () => void) => void (entry.click = listener), show: entry.show };
        },
      },
      settings: () => settings,
      now: () => (now += MIN),
      onClick,
      limits,
    });
    return { notifier, created, onClick };
  }

  it('shows a decided notification and opens the dashboard on click', () => {
    const { notifier, created, onClick } = setup();
    notifier.onStatus(snapshot({ name: 'web' }));
    notifier.onStatus(snapshot({ name: 'web', health: 'down' }));
    expect(created).toHaveLength(1);
    expect(created[0]!.options).toMatchObject({ title: 'Dev server stopped: web' });
    expect(created[0]!.show).toHaveBeenCalledOnce();
    created[0]!.click!();
    expect(onClick).toHaveBeenCalledWith(expect.objectContaining({ kind: 'upstream-down', project: 'web' }));
  });

  it('a lost engine resets the baseline', () => {
    const { notifier, created } = setup();
    notifier.onStatus(snapshot({ name: 'web' }));
    notifier.onStatus(null);
    notifier.onStatus(snapshot({ name: 'web', health: 'down' }));
    expect(created).toHaveLength(0);
  });

  it('shows nothing where notifications are not supported', () => {
    const { notifier, created } = setup(false);
    notifier.onStatus(snapshot({ name: 'web' }));
    notifier.onStatus(snapshot({ name: 'web', health: 'down' }));
    expect(created).toHaveLength(0);
  });
});
