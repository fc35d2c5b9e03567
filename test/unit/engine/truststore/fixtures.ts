import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, mustSucceed } from '../../../../main/engine/system/exec';
import { rootCertFromPem } from '../../../../main/engine/truststore/root';
import type { RootCert } from '../../../../main/engine/truststore/types';

/** A real self-signed CA made by openssl in its own temp dir, and a cleanup. */
export async function makeTestRoot(): Promise<{ dir: string; root: RootCert; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-truststore-'));
  const certPath = join(dir, 'root.pem');
  mustSucceed(
    await exec([
      'openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30',
      '-keyout', join(dir, 'root-key.pem'), '-out', certPath,
      '-subj', '/CN=Portico CA test',
      '-addext', 'basicConstraints=critical,CA:true',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]),
  );
  const root = rootCertFromPem(await readFile(certPath, 'utf8'), certPath);
  return { dir, root, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
