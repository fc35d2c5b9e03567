/**
 * Key pairs through Node's native crypto (OpenSSL, on the libuv thread pool), never forge's
 * pure-JavaScript RSA generator, which is 6–8× slower with multi-second tails
 * (platform-facts.md "Certificates"; PRODUCT.md decisions).
 *
 * Leaves are ECDSA P-256 by default (issue #7): a handshake costs the server one signature with
 * the leaf key, and a P-256 signature is ~14× cheaper than an RSA-2048 one (`openssl speed`:
 * ~50 000 vs ~3 600 signs/s); its key is also made in about a millisecond instead of 50–400 ms.
 * TLS-9 (security-requirements.md) allows RSA ≥ 2048 or ECDSA P-256/P-384 leaves.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';

/** A freshly generated key pair, kept as Node KeyObjects so the private key is never a plain string until written. */
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The kinds of leaf key: ECDSA P-256 (default), or RSA-2048 for tools that cannot use ECDSA. */
export type LeafKeyType = 'ecdsa' | 'rsa';

export const DEFAULT_LEAF_KEY_TYPE: LeafKeyType = 'ecdsa';
/** Leaf curve: the one every TLS client supports (Mozilla intermediate/modern `certificate_curves`), 128-bit security. */
export const LEAF_EC_CURVE = 'P-256';
/** RSA leaf size: meets Apple's TLS minimum and TLS-9, as mkcert's leaves. */
export const LEAF_RSA_KEY_BITS = 2048;
/** Root key size: a 10-year root gets more margin than a 90-day leaf (NIST SP 800-57 pt. 1: 3072 bits beyond 2030), as mkcert's root. */
export const ROOT_KEY_BITS = 3072;

function settle(resolve: (pair: KeyPair) => void, reject: (error: Error) => void) {
  return (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) => {
    if (error) reject(error);
    else resolve({ publicKey, privateKey });
  };
}

/** Generate an RSA key pair (exponent 65537) asynchronously off the event loop. */
export function generateRsaKeyPair(bits: number): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, settle(resolve, reject));
  });
}

/** Generate an EC key pair on a named curve (`P-256`, `P-384`) asynchronously off the event loop. */
export function generateEcKeyPair(namedCurve: string = LEAF_EC_CURVE): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('ec', { namedCurve }, settle(resolve, reject));
  });
}

/** A key for a leaf certificate of the given type. */
export function generateLeafKeyPair(keyType: LeafKeyType = DEFAULT_LEAF_KEY_TYPE): Promise<KeyPair> {
  return keyType === 'rsa' ? generateRsaKeyPair(LEAF_RSA_KEY_BITS) : generateEcKeyPair(LEAF_EC_CURVE);
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`), the form Node's `tls` and openssl read for RSA and EC keys alike. */
export function privateKeyToPem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface KeyPoolOptions {
  /** How many keys to keep ready. Default 2: one for the next certificate, one being replaced. */
  size?: number;
  /** The kind of key the pool holds. Default {@link DEFAULT_LEAF_KEY_TYPE} (ECDSA P-256). */
  keyType?: LeafKeyType;
  /** The generator; tests inject a counting one. Default {@link generateLeafKeyPair}. */
  generate?: (keyType: LeafKeyType) => Promise<KeyPair>;
}

/**
 * Keys generated ahead of need, so issuing a certificate costs a signature (~1 ms) rather than a
 * key generation (RSA: ~50–400 ms, random; platform-facts.md). Nothing happens until `start()`;
 * keys are made one at a time so the pool never takes more than one thread-pool slot. A failed
 * background generation stops refilling and `take()` falls back to generating in the
 * foreground, where the error reaches the caller.
 */
export class KeyPool {
  /** The kind of key `take()` hands out. */
  readonly keyType: LeafKeyType;
  private readonly size: number;
  private readonly generate: (keyType: LeafKeyType) => Promise<KeyPair>;
  private readonly ready: KeyPair[] = [];
  private filling: Promise<void> | null = null;
  private running = false;

  constructor(options: KeyPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 2);
    this.keyType = options.keyType ?? DEFAULT_LEAF_KEY_TYPE;
    this.generate = options.generate ?? generateLeafKeyPair;
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
  async take(): Promise<KeyPair> {
    const key = this.ready.shift();
    this.refill();
    return key ?? this.generate(this.keyType);
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
          const key = await this.generate(this.keyType);
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
