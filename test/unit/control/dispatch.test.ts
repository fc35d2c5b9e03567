import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../shared/contract';
import { createDispatcher } from '../../../main/control/dispatch';
import type { ControlLogger } from '../../../main/control/logger';
import { PorticoError } from '../../../main/engine/errors';
import { recordingHandlers, validInputs } from './fake-handlers';

function recordingLogger() {
  const errors: Array<{ message: string; error: unknown }> = [];
  const logger: ControlLogger = { warn: () => undefined, error: (message, error) => errors.push({ message, error }) };
  return { logger, errors };
}

describe('dispatch: command names', () => {
  const unknownNames: Array<[string, unknown]> = [
    ['a misspelled command', 'projects.ad'],
    ['an empty string', ''],
    ['a number', 42],
    ['null', null],
    ['an object', { name: 'status.get' }],
    ['an inherited property', 'toString'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
  ];
  it.each(unknownNames)('%s is E_UNKNOWN_COMMAND and reaches no handler', async (_case, name) => {
    const { handlers, calls } = recordingHandlers();
    const result = await createDispatcher(handlers).dispatch(name, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('E_UNKNOWN_COMMAND');
    expect(calls).toEqual([]);
  });

  it('lists the known commands in the message', async () => {
    const result = await createDispatcher(recordingHandlers().handlers).dispatch('nope', {});
    expect(!result.ok && result.error.message).toContain('projects.add');
  });

  it.each(COMMAND_NAMES)('%s with a valid input reaches its handler and answers ok', async (name) => {
    const { handlers, calls } = recordingHandlers();
    const result = await createDispatcher(handlers, { validateOutput: true }).dispatch(name, validInputs[name]);
    expect(result.ok).toBe(true);
    expect(calls.map((call) => call.name)).toEqual([name]);
  });
});

describe('dispatch: input validation', () => {
  const invalid: Array<[string, string, unknown, string[]]> = [
    ['a wrong type', 'projects.setHttps', { name: 'web', enabled: 'yes' }, ['enabled', 'boolean']],
    ['a missing field', 'projects.get', {}, ['name']],
    ['an empty name', 'projects.remove', { name: '' }, ['name']],
    ['a nested field', 'projects.update', { name: 'web', changes: { hsts: 'forever' } }, ['changes.hsts']],
    ['an unknown key on a strict input', 'status.get', { verbose: true }, ['verbose']],
    ['a limit out of range', 'requests.recent', { limit: 5000 }, ['limit']],
    ['not an object', 'projects.get', 'web', ['object']],
  ];
  it.each(invalid)('%s is E_INVALID_INPUT naming the field', async (_case, name, input, mentions) => {
    const { handlers, calls } = recordingHandlers();
    const result = await createDispatcher(handlers).dispatch(name, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('E_INVALID_INPUT');
    expect(result.error.message).toContain(name);
    for (const mention of mentions) expect(result.error.message).toContain(mention);
    expect(calls).toEqual([]);
  });

  it('treats a missing input as no fields', async () => {
    const result = await createDispatcher(recordingHandlers().handlers).dispatch('status.get', undefined);
    expect(result.ok).toBe(true);
  });

  it('hands the handler the parsed input (unknown keys of a non-strict schema stripped)', async () => {
    const { handlers, calls } = recordingHandlers();
    await createDispatcher(handlers).dispatch('projects.add', { name: 'web', port: 5173, injected: true });
    expect(calls[0]?.input).toEqual({ name: 'web', port: 5173 });
  });
});

describe('dispatch: failures', () => {
  it('passes a PorticoError through as its code and message', async () => {
    const { handlers } = recordingHandlers({ 'projects.get': async () => Promise.reject(new PorticoError('E_PROJECT_NOT_FOUND', 'no project "web"')) });
    const result = await createDispatcher(handlers).dispatch('projects.get', { name: 'web' });
    expect(result).toEqual({ ok: false, error: { code: 'E_PROJECT_NOT_FOUND', message: 'no project "web"' } });
  });

  it('recognizes a PorticoError from another copy of the module by its shape', async () => {
    const foreign = Object.assign(new Error('taken'), { name: 'PorticoError', code: 'E_DUPLICATE_NAME' });
    const { handlers } = recordingHandlers({ 'projects.add': async () => Promise.reject(foreign) });
    const result = await createDispatcher(handlers).dispatch('projects.add', validInputs['projects.add']);
    expect(result).toEqual({ ok: false, error: { code: 'E_DUPLICATE_NAME', message: 'taken' } });
  });

  const unexpected: Array<[string, unknown]> = [
    ['a plain Error', new Error('ENOENT: /home/alice/.secret/thing')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a thrown string', 'boom /home/alice'],
    ['a PorticoError-named error with an unknown code', Object.assign(new Error('x'), { name: 'PorticoError', code: 'E_MADE_UP' })],
  ];
  it.each(unexpected)('%s becomes a generic E_INTERNAL and is logged locally', async (_case, thrown) => {
    const { logger, errors } = recordingLogger();
    const { handlers } = recordingHandlers({ 'ca.get': async () => Promise.reject(thrown) });
    const result = await createDispatcher(handlers, { logger }).dispatch('ca.get', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('E_INTERNAL');
    expect(result.error.message).not.toContain('/home/alice');
    expect(result.error.message).not.toContain('reading');
    expect(result.error.message).not.toMatch(/\bat .+:\d+:\d+/);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBe(thrown);
  });

  it('never throws, even when a handler throws synchronously', async () => {
    const { handlers } = recordingHandlers();
    (handlers as unknown as Record<string, unknown>)['trust.status'] = () => {
      throw new Error('sync');
    };
    const { logger } = recordingLogger();
    await expect(createDispatcher(handlers, { logger }).dispatch('trust.status', {})).resolves.toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
  });
});

describe('dispatch: output validation (tests only)', () => {
  const badProject = { name: 'web', domains: [] };

  it('reports an answer outside the contract as E_INTERNAL naming the field', async () => {
    const { logger, errors } = recordingLogger();
    const { handlers } = recordingHandlers({ 'projects.get': async () => badProject });
    const result = await createDispatcher(handlers, { logger, validateOutput: true }).dispatch('projects.get', { name: 'web' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('E_INTERNAL');
    expect(result.error.message).toContain('upstream');
    expect(result.error.message).toContain('domains');
    expect(errors).toHaveLength(1);
  });

  it('does not re-validate on the hot path by default', async () => {
    const { handlers } = recordingHandlers({ 'projects.get': async () => badProject });
    const result = await createDispatcher(handlers).dispatch('projects.get', { name: 'web' });
    expect(result).toEqual({ ok: true, value: badProject });
  });
});
