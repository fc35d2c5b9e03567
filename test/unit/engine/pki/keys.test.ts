import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateRsaKeyPair, KeyPool, privateKeyToPem, toForgePublicKey, type RsaKeyPair } from '../../../../main/engine/pki/keys';

/** Wraps the real generator and counts calls. */
function countingGenerator(failAfter = Infinity) {
  const state = { calls: 0 };
  const generate = async (bits: number): Promise<RsaKeyPair> => {
    state.calls += 1;
    if (state.calls > failAfter) throw new Error('keygen failed');
    return generateRsaKeyPair(bits);
  };
  return { state, generate };
}

describe('generateRsaKeyPair', () => {
  it('makes an RSA key of the asked size with exponent 65537, usable by forge and as PKCS#8 PEM', async () => {
    const keys = await generateRsaKeyPair(2048);
    expect(keys.privateKey.asymmetricKeyType).toBe('rsa');
    expect(keys.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(keys.publicKey.asymmetricKeyDetails?.publicExponent).toBe(65537n);

    const forgeKey = toForgePublicKey(keys.publicKey);
    expect(forgeKey.n.bitLength()).toBe(2048);
    expect(forgeKey.e.toString()).toBe('65537');

    const pem = privateKeyToPem(keys.privateKey);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
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

  it('fills to its size, hands out a ready key, and refills behind it', async () => {
    const { state, generate } = countingGenerator();
    const pool = new KeyPool({ size: 2, generate });
    pool.start();
    await pool.whenFull();
    expect(pool.available).toBe(2);
    expect(state.calls).toBe(2);

    const key = await pool.take();
    expect(key.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(pool.available).toBe(1);

    await pool.whenFull();
    expect(pool.available).toBe(2);
    expect(state.calls).toBe(3);
    await pool.close();
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
