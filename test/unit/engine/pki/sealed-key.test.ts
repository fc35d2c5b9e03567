import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCa } from '../../../../main/engine/pki';
import { encodeSealedKey } from '../../../../main/engine/pki/sealed-key';

describe('a CA key sealed by the desktop app', () => {
  it('is E_CA_LOCKED (not E_CA_CORRUPT) for a process without the key protector, and says how to proceed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portico-sealed-'));
    try {
      const caDir = join(dir, 'ca');
      await mkdir(caDir);
      const paths = { caDir, caCert: join(caDir, 'root.pem'), caKey: join(caDir, 'root-key.pem') };
      await writeFile(paths.caCert, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
      await writeFile(paths.caKey, encodeSealedKey(Buffer.from('ciphertext')), { mode: 0o600 });
      const error = await loadCa(paths).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'E_CA_LOCKED' });
      expect((error as Error).message).toContain(paths.caKey);
      expect((error as Error).message).toMatch(/Start the Portico app/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
