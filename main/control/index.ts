/** The control layer's public pieces: what `portico serve`, the shell's IPC bridge and the CLI use. */
export { createDispatcher, describeIssues } from './dispatch';
export type { Dispatcher, DispatcherOptions } from './dispatch';
export { startControlServer } from './http-server';
export type { ControlServer, ControlServerOptions } from './http-server';
export type { LoopbackAddress } from './request-guards';
export { controlFilePath, readControlFile, removeControlFile, writeControlFile } from './token-file';
export type { ControlRecord } from './token-file';
export { createControlClient } from './client';
export type { ControlClient, ControlClientOptions, ControlEvent, Subscription, SubscriptionEnd } from './client';
export { consoleLogger, silentLogger } from './logger';
export type { ControlLogger } from './logger';
