import { describe, expect, it } from 'vitest';
import { prefersJson } from '../../../../main/engine/proxy/responses';

describe('prefersJson', () => {
  const cases: [name: string, accept: string | undefined, expected: boolean][] = [
    ['no Accept', undefined, false],
    ['browser navigation', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['fetch default', '*/*', false],
    ['JSON only', 'application/json', true],
    ['JSON before HTML', 'application/json, text/html', true],
    ['HTML before JSON', 'text/html, application/json', false],
    ['problem+json', 'application/problem+json', true],
    ['upper case', 'Application/JSON', true],
  ];
  it.each(cases)('%s', (_name, accept, expected) => {
    expect(prefersJson(accept)).toBe(expected);
  });
});
