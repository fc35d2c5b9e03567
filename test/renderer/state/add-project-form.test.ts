import { describe, expect, it } from 'vitest';
import { checkDomain, checkPort, checkProjectName, checkUpstream } from '../../../shared/names';
import { checkAddForm, previewDomain } from '../../../renderer/state/add-project-form';

const messageOf = (checked: { ok: boolean; message?: string }) => (checked.ok ? undefined : checked.message);

describe('checkAddForm', () => {
  const cases = [
    {
      name: 'a port',
      values: { name: 'web', target: '5173', domains: '' },
      input: { name: 'web', port: 5173 },
      errors: {},
    },
    {
      name: 'an upstream URL, normalized to its origin',
      values: { name: 'api', target: 'http://127.0.0.1:3000/', domains: '' },
      input: { name: 'api', upstream: 'http://127.0.0.1:3000' },
      errors: {},
    },
    {
      name: 'domains, trimmed and lower-cased',
      values: { name: 'web', target: '5173', domains: ' Web.Test , *.web.localhost ,' },
      input: { name: 'web', port: 5173, domains: ['web.test', '*.web.localhost'] },
      errors: {},
    },
    {
      name: 'an invalid name has the shared message',
      values: { name: 'My App', target: '5173', domains: '' },
      input: null,
      errors: { name: messageOf(checkProjectName('My App')) },
    },
    {
      name: 'an out-of-range port has the shared message',
      values: { name: 'web', target: '70000', domains: '' },
      input: null,
      errors: { target: messageOf(checkPort('70000')) },
    },
    {
      name: 'an upstream with a path has the shared message',
      values: { name: 'web', target: 'http://localhost:5173/app', domains: '' },
      input: null,
      errors: { target: messageOf(checkUpstream('http://localhost:5173/app')) },
    },
    {
      name: 'a malformed domain has the shared message',
      values: { name: 'web', target: '5173', domains: 'bad domain' },
      input: null,
      errors: { domains: messageOf(checkDomain('bad domain')) },
    },
    {
      name: 'empty required fields',
      values: { name: '', target: ' ', domains: '' },
      input: null,
      errors: { name: 'Enter a project name, e.g. "web".', target: 'Enter the dev server\'s port (e.g. 5173) or its URL (e.g. "http://localhost:5173").' },
    },
  ];
  for (const { name, values, input, errors } of cases) {
    it(name, () => {
      const check = checkAddForm(values);
      expect(check.errors).toEqual(errors);
      expect(check.input).toEqual(input);
    });
  }

  it('lets a domain outside the default suffixes through with a note (the CA may allow more)', () => {
    const check = checkAddForm({ name: 'web', target: '5173', domains: 'web.example' });
    expect(check.errors).toEqual({});
    expect(check.warnings.domains).toMatch(/outside the default suffixes/);
    expect(check.input).toEqual({ name: 'web', port: 5173, domains: ['web.example'] });
  });
});

describe('previewDomain', () => {
  const cases = [
    { name: 'the default domain', values: { name: 'web', target: '', domains: '' }, expected: 'web.localhost' },
    { name: 'the first given domain', values: { name: 'web', target: '', domains: 'App.Test, b.test' }, expected: 'app.test' },
    { name: 'nothing for an invalid name', values: { name: 'Web!', target: '', domains: '' }, expected: null },
  ];
  for (const { name, values, expected } of cases) {
    it(name, () => expect(previewDomain(values)).toBe(expected));
  }
});
