import { describe, expect, it } from 'vitest';
import { issueLeaf } from '../../../main/engine/pki';
import { certSummary } from '../../../main/engine/status';
import { createTestCa } from '../../helpers/test-certs';

describe('certSummary', () => {
  it.each([
    ['an ECDSA leaf by its curve', 'ecdsa', 'ECDSA P-256'],
    ['an RSA leaf by its size', 'rsa', 'RSA 2048'],
  ] as const)('names %s', async (_name, keyType, key) => {
    const ca = await createTestCa();
    const leaf = await issueLeaf(ca.material, { domains: ['web.localhost'], keyType });
    const summary = certSummary(leaf.info, new Date());
    expect(summary.key).toBe(key);
    expect(summary.sans).toEqual(['web.localhost']);
  });
});
