/**
 * Entry of the engine's utility process (bundled to dist/shell/engine.cjs and started with
 * `utilityProcess.fork`). Runs the same `startEngine` as `portico serve`, behind the same control
 * API; talks to the main process over `process.parentPort`. See README.md for why the engine is
 * not in the main process.
 */
import { startAppEngine } from './app-engine';
import { parentPortEndpoint } from './engine-endpoints';
import { runEngineHost } from './engine-host';

runEngineHost({ endpoint: parentPortEndpoint(process.parentPort), startEngine: startAppEngine, onStopped: () => process.exit(0) });
