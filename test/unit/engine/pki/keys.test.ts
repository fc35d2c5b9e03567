import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEAF_KEY_TYPE,
  generateEcKeyPair,
  generateLeafKeyPair,
  generateRsaKeyPair,
  KeyPool,
  privateKeyToPem,
  type KeyPair,
  type LeafKeyType,
} from '../../../../main/engine/pki/keys';

/** Wraps the real generator, counts calls and records the key types asked for. */
function countingGenerator(failAfter = Infinity) {
  const state = { calls: 0, asked: [] as LeafKeyType[] };
  const generate = async (keyType: LeafKeyType): Promise<KeyPair> => {
    state.calls += 1;
    state.asked.push(keyType);
    if (state.calls > failAfter) throw new Error('keygen failed');
    return generateLeafKeyPair(keyType);
  };
  return { state, generate };
}

describe('key generation', () => {
  it('generateRsaKeyPair makes an RSA key of the asked size with exponent 65537', async () => {
    const keys = await generateRsaKeyPair(2048);
    expect(keys.privateKey.asymmetricKeyType).toBe('rsa');
    expect(keys.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(keys.publicKey.asymmetricKeyDetails?.publicExponent).toBe(65537n);
  });

  it.each([
    { name: 'P-256 by default', curve: undefined, openssl: 'prime256v1' },
    { name: 'P-384 when asked', curve: 'P-384', openssl: 'secp384r1' },
  ])('generateEcKeyPair: $name', async ({ curve, openssl }) => {
    const keys = await generateEcKeyPair(curve);
    expect(keys.privateKey.asymmetricKeyType).toBe('ec');
    expect(keys.publicKey.asymmetricKeyDetails?.namedCurve).toBe(openssl);
  });

  it.each([
    { name: 'the default is ECDSA P-256', keyType: undefined, type: 'ec', details: { namedCurve: 'prime256v1' } },
    { name: 'ecdsa is P-256', keyType: 'ecdsa' as const, type: 'ec', details: { namedCurve: 'prime256v1' } },
    { name: 'rsa is RSA-2048', keyType: 'rsa' as const, type: 'rsa', details: { modulusLength: 2048, publicExponent: 65537n } },
  ])('generateLeafKeyPair: $name', async ({ keyType, type, details }) => {
    const keys = await generateLeafKeyPair(keyType);
    expect(keys.publicKey.asymmetricKeyType).toBe(type);
    expect(keys.publicKey.asymmetricKeyDetails).toMatchObject(details);
  });

  it.each([
    { name: 'an EC key', make: () => generateEcKeyPair() },
    { name: 'an RSA key', make: () => generateRsaKeyPair(2048) },
  ])('privateKeyToPem writes $name as PKCS#8, which reads back as the same key', async ({ make }) => {
    const keys = await make();
    const pem = privateKeyToPem(keys.privateKey);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(createPrivateKey(pem).asymmetricKeyType).toBe(keys.privateKey.asymmetricKeyType);
    expect(createPublicKey(pem).export({ type: 'spki', format: 'der' })).toEqual(keys.publicKey.export({ type: 'spki', format: 'der' }));
  });
});

describe('KeyPool', () => {
  it('does no work until started', async () => {
    const { state, generate } = countingGenerator();
    const pool = new KeyPool({ size: 2, generate });
    await pool.whenFull();
    expect(state.calls).toBe(0);
    expect(pool.available).toBe(0);
    await pool.close();
  });

  it('holds ECDSA P-256 keys by default', async () => {
    const pool = new KeyPool({ size: 1 });
    expect(pool.keyType).toBe(DEFAULT_LEAF_KEY_TYPE);
    expect(DEFAULT_LEAF_KEY_TYPE).toBe('ecdsa');
    const key = await pool.take();
    expect(key.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    await pool.close();
  });

  it('fills to its size, hands out a ready key, and refills behind it', async () => {
    const { state, generate } = countingGenerator();
    const pool = new KeyPool({ size: 2, generate });
    pool.start();
    await pool.whenFull();
    expect(pool.available).toBe(2);
    expect(state.calls).toBe(2);

    const key = await pool.take();
    expect(key.privateKey.asymmetricKeyType).toBe('ec');
    expect(pool.available).toBe(1);

    await pool.whenFull();
    expect(pool.available).toBe(2);
    expect(state.calls).toBe(3);
    expect(state.asked).toEqual(['ecdsa', 'ecdsa', 'ecdsa']);
    await pool.close();
  });

  it('asks its generator for its own key type (rsa)', async () => {
    const { state, generate } = countingGenerator();
    const pool = new KeyPool({ size: 1, keyType: 'rsa', generate });
    pool.start();
    await pool.whenFull();
    const key = await pool.take();
    expect(key.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    await pool.close();
    expect(pool.keyType).toBe('rsa');
    expect(new Set(state.asked)).toEqual(new Set(['rsa']));
  });

  it('generates on the spot when empty or closed, and stops refilling once closed', async () => {
    const { state, generate } = countingGenerator();
    const pool = new KeyPool({ size: 1, generate });
    const unstarted = await pool.take();
    expect(unstarted.privateKey.type).toBe('private');
    expect(state.calls).toBe(1);

    pool.start();
    await pool.close();
    const callsAtClose = state.calls;
    expect(pool.available).toBe(0);
    await pool.take();
    await pool.whenFull();
    expect(state.calls).toBe(callsAtClose + 1);
    expect(pool.available).toBe(0);
  });

  it('stops refilling after a background failure and lets take() report the error', async () => {
    const { state, generate } = countingGenerator(0);
    const pool = new KeyPool({ size: 2, generate });
    pool.start();
    await pool.whenFull();
    expect(pool.available).toBe(0);
    expect(state.calls).toBe(1);
    await expect(pool.take()).rejects.toThrow('keygen failed');
    await pool.close();
  });
});
