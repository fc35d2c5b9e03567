/**
 * What "the key appears somewhere" means, concretely: any line of its PEM body, or the start of
 * any private RSA component (d, p, q, dp, dq, qi) in base64url, base64 or hex — the forms a
 * careless log line, JSON dump or error message would use. The public modulus is not secret (it
 * is in the certificate) and is not searched for.
 */
import { createPrivateKey } from 'node:crypto';

export interface KeySecret {
  label: string;
  value: string;
}

const pemBody = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

/**
 * `certPem` is the key's certificate: stretches of the key's PEM that encode the public modulus
 * can line up with the certificate's own encoding, and those are public.
 */
export function keySecrets(keyPem: string, certPem: string): KeySecret[] {
  const secrets: KeySecret[] = [{ label: 'a PEM private-key header', value: 'PRIVATE KEY-----' }];
  const body = pemBody(keyPem);
  const publicBody = pemBody(certPem);
  for (let offset = 0; offset + 48 <= body.length; offset += 48) {
    const chunk = body.slice(offset, offset + 48);
    if (!publicBody.includes(chunk)) secrets.push({ label: `PEM body at ${offset}`, value: chunk });
  }
  const jwk = createPrivateKey(keyPem).export({ format: 'jwk' });
  for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
    const raw = Buffer.from(jwk[part] ?? '', 'base64url');
    secrets.push(
      { label: `${part} (base64url)`, value: raw.toString('base64url').slice(0, 32) },
      { label: `${part} (base64)`, value: raw.toString('base64').slice(0, 32) },
      { label: `${part} (hex)`, value: raw.toString('hex').slice(0, 32) },
    );
  }
  return secrets;
}

/** The secrets found in any of `texts` (case-insensitively for hex), as labels. */
export function leaksOf(secrets: KeySecret[], texts: string[]): string[] {
  const haystack = texts.join('\n');
  const lower = haystack.toLowerCase();
  return secrets.filter((secret) => (secret.label.endsWith('(hex)') ? lower.includes(secret.value) : haystack.includes(secret.value))).map((secret) => secret.label);
}
