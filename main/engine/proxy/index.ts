/**
 * The proxy's public surface: what the engine's composition root and status views use. Header
 * passes, pages and the forwarding adapter stay internal.
 */
export { createProxyServer } from './server';
export type { ListenOptions, ListeningInfo, ProxyHooks, ProxyServer, ProxyServerOptions } from './server';
export { createRouteTable, routeFromProject, routeTableFromProjects, hostKey } from './router';
export type { Route, RouteTable } from './router';
export { createCertificateCache } from './certificate-cache';
export type { CertificateCache, CertificateCacheOptions, CertificateSource, SourcedCertificate } from './certificate-cache';
export type { CertificateProvider, SniRefusal } from './sni';
export { createRequestLog, DEFAULT_REQUEST_LOG_CAPACITY } from './request-log';
export type { RequestLog, RequestRecord, RequestSubscriber } from './request-log';
export type { ProjectCounters, ProxyStats } from './stats';
export type { UpstreamFailure, UpstreamFailureKind } from './forward';
export { DEFAULT_TIMEOUTS } from './timeouts';
export type { ProxyTimeouts } from './timeouts';
export { projectUrl } from './local-pages';
