/** The engine-level trust service: the trust stores driven for the current root, with receipts in the ledger. */
export { createTrustService, TRUST_STORE_IDS, type TrustService, type TrustServiceOptions } from './service';
export { followRotation } from './rotation';
export { porticoCommand, storeArgs } from './command-hint';
export { materializeRoot, readCurrentRoot, rootInUse, type MaterializedRoot } from './roots';
