/**
 * RSA keys through Node's native crypto (OpenSSL, on the libuv thread pool), never forge's
 * pure-JavaScript generator, which is 6–8× slower with multi-second tails
 * (platform-facts.md "Certificates"; PRODUCT.md decisions).
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** A freshly generated key pair, kept as Node KeyObjects so the private key is never a plain string until written. */
export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Leaf key size: RSA-2048 meets Apple's TLS minimum and TLS-9 (security-requirements.md), as mkcert's leaves. */
export const LEAF_KEY_BITS = 2048;
/** Root key size: a 10-year root gets more margin than a 90-day leaf (NIST SP 800-57 pt. 1: 3072 bits beyond 2030), as mkcert's root. */
export const ROOT_KEY_BITS = 3072;

/** Generate an RSA key pair (exponent 65537) asynchronously off the event loop. */
export function generateRsaKeyPair(bits: number): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ publicKey, privateKey });
    });
  });
}

/** The public key as forge needs it to build a TBSCertificate (SubjectPublicKeyInfo, SKI). */
export function toForgePublicKey(publicKey: KeyObject): forge.pki.rsa.PublicKey {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(der.toString('binary'))) as forge.pki.rsa.PublicKey;
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`), the form Node's `tls` and openssl read. */
export function privateKeyToPem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface KeyPoolOptions {
  /** How many keys to keep ready. Default 2: one for the next certificate, one being replaced. */
  size?: number;
  /** Key size. Default {@link LEAF_KEY_BITS}. */
  bits?: number;
  /** The generator; tests inject a counting one. Default {@link generateRsaKeyPair}. */
  generate?: (bits: number) => Promise<RsaKeyPair>;
}

/**
 * Keys generated ahead of need, so issuing a certificate costs a signature (~1 ms) rather than a
 * key generation (~50–400 ms, random; platform-facts.md). Nothing happens until `start()`; keys
 * are made one at a time so the pool never takes more than one thread-pool slot. A failed
 * background generation stops refilling and `take()` falls back to generating in the
 * foreground, where the error reaches the caller.
 */
export class KeyPool {
  private readonly size: number;
  private readonly bits: number;
  private readonly generate: (bits: number) => Promise<RsaKeyPair>;
  private readonly ready: RsaKeyPair[] = [];
  private filling: Promise<void> | null = null;
  private running = false;

  constructor(options: KeyPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 2);
    this.bits = options.bits ?? LEAF_KEY_BITS;
    this.generate = options.generate ?? generateRsaKeyPair;
  }

  /** Keys ready to hand out now. */
  get available(): number {
    return this.ready.length;
  }

  /** Begin filling the pool in the background. Idempotent. */
  start(): void {
    this.running = true;
    this.refill();
  }

  /** Resolves once the pool is full (or refilling stopped). For start-up and tests. */
  async whenFull(): Promise<void> {
    while (this.filling) await this.filling;
  }

  /** A key: a ready one at once, else a fresh one. Triggers a refill when running. */
  async take(): Promise<RsaKeyPair> {
    const key = this.ready.shift();
    this.refill();
    return key ?? this.generate(this.bits);
  }

  /** Stop refilling, drop ready keys, and wait for an in-flight generation to end. */
  async close(): Promise<void> {
    this.running = false;
    this.ready.length = 0;
    await this.whenFull();
    this.ready.length = 0;
  }

  private refill(): void {
    if (!this.running || this.filling || this.ready.length >= this.size) return;
    this.filling = (async () => {
      try {
        while (this.running && this.ready.length < this.size) {
          const key = await this.generate(this.bits);
          if (this.running) this.ready.push(key);
        }
      } catch {
        this.running = false;
      } finally {
        this.filling = null;
      }
    })();
  }
}
