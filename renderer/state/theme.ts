/**
 * Light, dark, or the system's choice (`prefers-color-scheme`). The choice is a `data-theme`
 * attribute on `<html>` that the CSS custom properties key on; "system" removes it.
 */
import { useCallback, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_STORAGE_KEY = 'portico.theme';

type ThemeStorage = Pick<Storage, 'getItem' | 'setItem'>;

function safeStorage(): ThemeStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function readTheme(storage: ThemeStorage | null = safeStorage()): ThemeChoice {
  try {
    const value = storage?.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [theme, setThemeState] = useState<ThemeChoice>(() => readTheme());
  const setTheme = useCallback((choice: ThemeChoice) => {
    setThemeState(choice);
    applyTheme(choice);
    try {
      safeStorage()?.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      // Storage refused: the choice lasts until the page is closed.
    }
  }, []);
  return [theme, setTheme];
}
