// @vitest-environment jsdom
import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeClient } from '../helpers/fake-client';
import { makeStatus } from '../helpers/fixtures';
import { renderApp } from '../helpers/render';

async function render() {
  const client = createFakeClient({ 'status.get': () => makeStatus(), 'requests.recent': () => [] });
  renderApp(client);
  await screen.findByRole('tablist');
  return client;
}

const selectedTab = () => screen.getAllByRole('tab').find((tab) => tab.getAttribute('aria-selected') === 'true')?.textContent;

describe('tabs', () => {
  it('move with the arrow keys, Home and End, with one tab stop and a labelled panel', async () => {
    await render();
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((tab) => tab.tabIndex)).toEqual([0, -1, -1]);
    expect(screen.getByRole('tabpanel', { name: 'Projects' })).toBeTruthy();

    fireEvent.keyDown(tabs[0]!, { key: 'ArrowRight' });
    expect(selectedTab()).toBe('CA and trust');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'CA and trust' }));
    expect(screen.getByRole('tabpanel', { name: 'CA and trust' })).toBeTruthy();

    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(selectedTab()).toBe('Requests');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(selectedTab()).toBe('Projects');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    expect(selectedTab()).toBe('Requests');
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(selectedTab()).toBe('Projects');
    expect(screen.getAllByRole('tab').map((tab) => tab.tabIndex)).toEqual([0, -1, -1]);
  });
});

describe('theme', () => {
  it('follows the system by default and remembers a manual choice', async () => {
    await render();
    const theme = screen.getByRole('combobox', { name: 'Theme' }) as HTMLSelectElement;
    expect(theme.value).toBe('system');
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);

    fireEvent.change(theme, { target: { value: 'dark' } });
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(window.localStorage.getItem('portico.theme')).toBe('dark');

    fireEvent.change(theme, { target: { value: 'system' } });
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
  });
});
