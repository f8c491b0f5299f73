/**
 * Light and dark themes. The choice is remembered in localStorage; until the user makes one,
 * the system's `prefers-color-scheme` decides (and is followed when it changes). Colours live
 * in CSS variables (styles.css); charts read the few they need from `chartColors`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'datadog-theme';

function storedTheme(): Theme | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    return null;
  }
}

function systemTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

interface ThemeContextValue {
  theme: Theme;
  toggle(): void;
}

const ThemeContext = createContext<ThemeContextValue>({ theme: 'light', toggle: () => undefined });

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<Theme>(() => storedTheme() ?? systemTheme());

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!media) return;
    const onChange = (): void => {
      if (storedTheme() === null) setTheme(media.matches ? 'dark' : 'light');
    };
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);

  const toggle = useCallback(() => {
    setTheme((current) => {
      const next = current === 'dark' ? 'light' : 'dark';
      try {
        window.localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // Private windows may refuse storage; the toggle still works for this visit.
      }
      return next;
    });
  }, []);

  const value = useMemo(() => ({ theme, toggle }), [theme, toggle]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeContextValue {
  return useContext(ThemeContext);
}

/** The colours charts draw with, per theme (canvas cannot read CSS variables by itself). */
export function chartColors(theme: Theme): { text: string; muted: string; grid: string; axis: string; tooltipBg: string } {
  return theme === 'dark'
    ? { text: '#e6e8ee', muted: '#9aa3b5', grid: '#2a3040', axis: '#3a4256', tooltipBg: '#1b2030' }
    : { text: '#1d2331', muted: '#5f6b7f', grid: '#e6e9ef', axis: '#c9cfda', tooltipBg: '#ffffff' };
}
