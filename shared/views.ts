/**
 * What the engine reports about certificates and the CA: the shapes the CLI prints with `--json`
 * and the dashboard renders. Times are ISO 8601 strings; fingerprints are colon-separated hex.
 */
import { z } from 'zod';

/** A certificate as a person inspects it. */
export const CertificateInfoSchema = z.object({
  /** Subject distinguished name, one `key=value` per line as Node prints it. */
  subject: z.string(),
  /** Issuer distinguished name. */
  issuer: z.string(),
  /** Serial number in hex. */
  serialNumber: z.string(),
  /** Subject alternative names (DNS names and IP addresses). */
  sans: z.array(z.string()),
  /** Start of validity. */
  notBefore: z.string(),
  /** End of validity. */
  notAfter: z.string(),
  /** SHA-256 fingerprint, `AB:CD:…`. */
  fingerprint256: z.string(),
  /** Key algorithm, e.g. `RSA`. */
  keyType: z.string(),
  /** Key size in bits. */
  keyBits: z.number(),
  /** Whether this is a CA certificate. */
  isCa: z.boolean(),
});
export type CertificateInfo = z.infer<typeof CertificateInfoSchema>;

/** The local root CA: where it lives, what it is, and what names it may certify. */
export const CaViewSchema = z.object({
  /** Path of the root certificate (PEM), the file to give tools such as `curl --cacert`. */
  certPath: z.string(),
  /** The root certificate itself. */
  certificate: CertificateInfoSchema,
  /** The DNS name constraints (`localhost`, `.test`, …) and IP ranges the root is limited to. */
  permitted: z.object({ dns: z.array(z.string()), ip: z.array(z.string()) }),
  /** True when this call created the CA. */
  created: z.boolean(),
});
export type CaView = z.infer<typeof CaViewSchema>;

/** A project's certificate on disk. */
export const CertViewSchema = z.object({
  /** The project it belongs to. */
  project: z.string(),
  /** Path of the certificate (PEM). */
  certPath: z.string(),
  /** Path of the private key (PEM, mode 0600). */
  keyPath: z.string(),
  /** The certificate itself. */
  certificate: CertificateInfoSchema,
  /** Whole days until it expires (negative once expired). */
  daysLeft: z.number(),
  /** True when this call issued or renewed it. */
  issued: z.boolean(),
});
export type CertView = z.infer<typeof CertViewSchema>;
