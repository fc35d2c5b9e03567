import { describe, expect, it } from 'vitest';
import { joinReasons, joinsConsent, withOneConsent } from '../../../../main/engine/system/consent';
import { createElevator, type Elevator } from '../../../../main/engine/system/elevate';
import type { ExecResult } from '../../../../main/engine/system/exec';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';

/** A promise settled from outside, so a test decides when a step's unprivileged work ends. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

function recorded(answer: (argv: readonly string[]) => Partial<ExecResult> | undefined = () => undefined) {
  const exec = new RecordingExec(answer);
  const base = new RecordingElevator(exec.exec);
  return { exec, base, elevator: joinsConsent(base) };
}

describe('withOneConsent', () => {
  it('gathers the privileged commands of every step into one consent, in step order, each reason once', async () => {
    const { base, elevator } = recorded();
    const late = deferred();
    const results = await withOneConsent<[number, number, string]>([
      async () => {
        await late.promise; // asks last, yet its commands come first
        return (await elevator.runAll([['install', 'a'], ['update-ca-certificates']], { reason: 'trust the Portico CA system-wide' })).exitCode;
      },
      async () => {
        late.resolve();
        return (await elevator.run(['cp', 'hosts.new', '/etc/hosts'], { reason: 'update the hosts file' })).exitCode;
      },
      async () => 'no privileges needed',
    ]);
    expect(results).toEqual([0, 0, 'no privileges needed']);
    expect(base.consents).toEqual([
      { commands: [['install', 'a'], ['update-ca-certificates'], ['cp', 'hosts.new', '/etc/hosts']], reason: 'trust the Portico CA system-wide and update the hosts file' },
    ]);
  });

  it('waits for a step still doing unprivileged work, so its commands join the same batch', async () => {
    const { base, elevator } = recorded();
    const slow = deferred();
    const first = withOneConsent([
      () => elevator.run(['one'], { reason: 'r' }),
      async () => {
        await slow.promise;
        return elevator.run(['two'], { reason: 'r' });
      },
    ]);
    await Promise.resolve();
    expect(base.consents).toEqual([]);
    slow.resolve();
    await first;
    expect(base.consents.map((consent) => consent.commands)).toEqual([[['one'], ['two']]]);
  });

  it('nests: the stores of one step form a batch that joins the enclosing action', async () => {
    const { base, elevator } = recorded();
    await withOneConsent([
      () => withOneConsent([() => elevator.run(['store-a'], { reason: 'a' }), () => elevator.run(['store-b'], { reason: 'b' })]),
      () => elevator.run(['hosts'], { reason: 'c' }),
    ]);
    expect(base.consents).toEqual([{ commands: [['store-a'], ['store-b'], ['hosts']], reason: 'a, b and c' }]);
  });

  it('a step asking again after the batch gets a second consent (a fallback), alone', async () => {
    const { base, elevator } = recorded();
    await withOneConsent([
      async () => {
        await elevator.run(['first'], { reason: 'r' });
        await elevator.run(['fallback'], { reason: 'r' });
      },
      () => elevator.run(['other'], { reason: 'r' }),
    ]);
    expect(base.consents.map((consent) => consent.commands)).toEqual([[['first'], ['other']], [['fallback']]]);
  });

  it('hands every step the batch result, so a failure is judged by each step re-reading its own change', async () => {
    const { base, elevator } = recorded((argv) => (argv[0] === 'fails' ? { exitCode: 3, stderr: 'no' } : undefined));
    const [a, b] = await withOneConsent([() => elevator.run(['fails'], { reason: 'r' }), () => elevator.run(['never-runs'], { reason: 'r' })]);
    expect(a).toMatchObject({ exitCode: 3 });
    expect(b).toMatchObject({ exitCode: 3 });
    expect(base.consents).toHaveLength(1);
  });

  it('a step that throws neither blocks the batch nor hides the others; its error comes last', async () => {
    const { base, elevator } = recorded();
    let ran = false;
    const outcome = withOneConsent([
      async () => {
        throw new Error('broken step');
      },
      async () => {
        await elevator.run(['still-runs'], { reason: 'r' });
        ran = true;
      },
    ]);
    await expect(outcome).rejects.toThrow('broken step');
    expect(ran).toBe(true);
    expect(base.consents).toHaveLength(1);
  });

  it('keeps different elevators apart: one batch each', async () => {
    const one = recorded();
    const two = recorded();
    await withOneConsent([() => one.elevator.run(['a'], { reason: 'r' }), () => two.elevator.run(['b'], { reason: 'r' }), () => one.elevator.run(['c'], { reason: 'r' })]);
    expect(one.base.consents.map((consent) => consent.commands)).toEqual([[['a'], ['c']]]);
    expect(two.base.consents.map((consent) => consent.commands)).toEqual([[['b']]]);
  });

  it('outside an action an elevator asks once per call, as before', async () => {
    const { base, elevator } = recorded();
    await elevator.run(['a'], { reason: 'r' });
    await elevator.run(['b'], { reason: 'r' });
    expect(base.consents).toHaveLength(2);
  });

  it.each([
    ['pkexec', 'linux', ['pkexec', '/bin/sh', '-c', "'install' 'a' && 'cp' 'b' '/etc/hosts'"]],
    ['osascript', 'darwin', ['osascript', '-e', 'on run argv']],
    ['uac', 'win32', ['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand']],
  ] as const)('through %s, two steps are one elevated process', async (method, platform, prefix) => {
    const exec = new RecordingExec();
    const elevator: Elevator = createElevator({ platform, exec: exec.exec, uid: 1000, ...(method === 'pkexec' && { linuxMethod: 'pkexec' as const }) });
    expect(elevator.method).toBe(method);
    await withOneConsent([() => elevator.run(['install', 'a'], { reason: 'trust it' }), () => elevator.run(['cp', 'b', '/etc/hosts'], { reason: 'update the hosts file' })]);
    expect(exec.argvs).toHaveLength(1);
    expect(exec.argvs[0]?.slice(0, prefix.length)).toEqual(prefix);
    if (method === 'osascript') expect(exec.argvs[0]?.at(-1)).toBe('Portico needs to trust it and update the hosts file.');
  });
});

describe('joinReasons', () => {
  it.each([
    ['none', [], ''],
    ['one', ['a'], 'a'],
    ['two', ['a', 'b'], 'a and b'],
    ['three, one repeated, blanks dropped', ['a', 'b', ' ', 'a', 'c'], 'a, b and c'],
  ])('%s', (_name, reasons, sentence) => {
    expect(joinReasons(reasons)).toBe(sentence);
  });
});
