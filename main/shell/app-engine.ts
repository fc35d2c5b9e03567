/**
 * How the desktop app starts its engine: the same `startEngine` as `portico serve`, with the
 * app's choices. Shared by the utility-process entry and the in-process mode.
 */
import { startEngine } from '../engine/runtime';
import { enginePortsFromEnv } from './engine-host';
import type { StartEngine } from './engine-host';

export const startAppEngine: StartEngine = (options) =>
  startEngine({
    ...options,
    ...enginePortsFromEnv(process.env),
    // The person at the desktop answers the system's graphical elevation prompt (polkit,
    // osascript, UAC) when they choose "Trust the Portico CA…".
    // SEAM(lead): startEngine must build its trust service from these options (as createEngine
    // does) for trust.* to work in the app; until then trust.* fails and the tray hides the item.
    interactive: true,
    log: (line) => console.log(`[engine] ${line}`),
  });
