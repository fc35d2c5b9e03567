/**
 * The preload entry (bundled to one CommonJS file: with `sandbox: true` a preload can require
 * only `electron` and a few built-ins, not our modules). Its single effect is `window.portico`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposePorticoBridge } from './preload-bridge';

exposePorticoBridge(contextBridge, ipcRenderer);
