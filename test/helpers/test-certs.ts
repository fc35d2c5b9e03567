/**
 * A throwaway CA and project certificates for proxy tests, made by the product's own PKI
 * (main/engine/pki) so TLS is verified against a real, name-constrained root — never with
 * verification turned off.
 */
import { caFromPem, generateRoot, issueLeaf, type CaMaterial, type IssuedLeaf } from '../../main/engine/pki';
import { createCertificateCache, type CertificateCache } from '../../main/engine/proxy/certificate-cache';

export interface TestCa {
  /** The root certificate, PEM: what clients pass as `ca`. */
  caPem: string;
  material: CaMaterial;
}

/** A fresh root constrained to the default dev suffixes (RSA-2048 to keep tests quick). */
export async function createTestCa(): Promise<TestCa> {
  const files = await generateRoot({ suffixes: ['localhost', '.localhost', '.test'], keyBits: 2048, label: 'proxy tests' });
  return { caPem: files.certPem, material: caFromPem(files, { caCert: 'test-ca.pem', caKey: 'test-ca-key.pem' }) };
}

/** A leaf for `domains`, signed by the test root. */
export function issueTestLeaf(ca: TestCa, domains: string[]): Promise<IssuedLeaf> {
  return issueLeaf(ca.material, { domains });
}

/**
 * The engine's certificate cache over fixed leaves, one per project: projects without one get
 * no certificate, so their handshakes fail.
 */
export function fixedCertificates(leaves: Record<string, IssuedLeaf>): CertificateCache {
  return createCertificateCache({ source: { ensure: async (route) => leaves[route.project] ?? null } });
}
