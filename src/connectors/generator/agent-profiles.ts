/**
 * Browser, operating system and device combinations with rough shares of web traffic, so
 * agents are coherent (no Safari on Android) and distributed like real traffic.
 */

/** One profile: `[browser, os, device, weight]`. */
export type AgentRow = readonly [browser: string, os: string, device: string, weight: number];

/** The agent profiles users browse with. */
export const AGENT_PROFILES: readonly AgentRow[] = [
  ['Chrome', 'Windows', 'desktop', 28],
  ['Edge', 'Windows', 'desktop', 6],
  ['Firefox', 'Windows', 'desktop', 3],
  ['Chrome', 'macOS', 'desktop', 6],
  ['Safari', 'macOS', 'desktop', 6],
  ['Firefox', 'macOS', 'desktop', 1],
  ['Chrome', 'Linux', 'desktop', 1.5],
  ['Firefox', 'Linux', 'desktop', 0.8],
  ['Chrome', 'ChromeOS', 'desktop', 1],
  ['Safari', 'iOS', 'mobile', 18],
  ['Chrome', 'iOS', 'mobile', 2],
  ['Chrome', 'Android', 'mobile', 18],
  ['Samsung Internet', 'Android', 'mobile', 3],
  ['Firefox', 'Android', 'mobile', 0.7],
  ['Safari', 'iPadOS', 'tablet', 3],
  ['Chrome', 'Android', 'tablet', 1.5],
];
