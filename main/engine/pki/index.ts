/**
 * The PKI's public surface: the local root (create, load, store), project certificates (issue,
 * renew, store) and the pieces the UI shows (certificate descriptions, permitted names).
 * `signLeafUnchecked` (issue.ts) is deliberately not exported: it exists for tests only.
 */
export { generateRoot, caFromPem, uncoveredSuffixes, ROOT_LIFETIME_DAYS } from './ca';
export type { CaMaterial, CaFilePaths, GenerateRootOptions, PemPair } from './ca';
export { loadCa, writeCa, ensureCa } from './ca-store';
export type { CaPaths, CaStoreOptions, EnsureCaOptions, KeyProtector } from './ca-store';
export { issueLeaf, DEFAULT_LEAF_LIFETIME_DAYS, MAX_LEAF_LIFETIME_DAYS } from './issue';
export type { IssuedLeaf, LeafRequest } from './issue';
export { needsRenewal, RENEW_WHEN_REMAINING } from './renewal';
export type { RenewalContext, RenewalReason, RenewalSubject, RenewalVerdict } from './renewal';
export { describeCertificate, sameKeyId } from './cert-info';
export type { CertDescription } from './cert-info';
export { ensureProjectCert, loadProjectCert, writeProjectCert, removeProjectCert } from './project-certs';
export type { CertifiedProject, EnsuredProjectCert, EnsureProjectCertOptions, ProjectCertPaths } from './project-certs';
export {
  KeyPool,
  generateLeafKeyPair,
  generateEcKeyPair,
  generateRsaKeyPair,
  DEFAULT_LEAF_KEY_TYPE,
  LEAF_EC_CURVE,
  LEAF_RSA_KEY_BITS,
  ROOT_KEY_BITS,
} from './keys';
export type { KeyPair, KeyPoolOptions, LeafKeyType } from './keys';
export { LOOPBACK_SUBTREES, dnsSubtreesForSuffixes, parseNameConstraints } from './name-constraints';
export type { PermittedNames } from './name-constraints';
export { secureKeyFiles } from './key-permissions';
export type { KeyPermissionOptions, KeyPermissionPaths } from './key-permissions';
