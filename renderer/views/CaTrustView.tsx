/**
 * The local root CA and where it is trusted. Installing changes what this machine trusts, so it
 * takes a confirm step in the UI (security-requirements API-7) on top of any OS password prompt.
 */
import { useCallback, useState } from 'react';
import type { Status } from '../../shared/status';
import type { CaView } from '../../shared/views';
import { Banner } from '../components/Banner';
import { Facts } from '../components/Facts';
import { BreakableCode } from '../components/BreakableCode';
import { daysLeftText, daysUntil, formatDate } from '../components/format';
import { useEngine } from '../state/context';
import { useQuery } from '../state/use-query';
import { CaRotate } from './CaRotate';
import { TrustStores } from './TrustStores';

function commonName(subject: string): string {
  const match = /(?:^|\n|,\s*)CN=([^\n,]+)/.exec(subject);
  return match?.[1]?.trim() ?? subject;
}

function CaFacts({ ca, keyProtection }: { ca: CaView; keyProtection: Status['ca']['keyProtection'] }) {
  const { certificate, permitted } = ca;
  return (
    <Facts
      facts={[
        { label: 'Name', value: commonName(certificate.subject) },
        { label: 'Certificate file', value: <code className="path">{ca.certPath}</code> },
        { label: 'SHA-256 fingerprint', value: <BreakableCode text={certificate.fingerprint256} after=":" className="fingerprint" /> },
        { label: 'Valid', value: `${formatDate(certificate.notBefore)} to ${formatDate(certificate.notAfter)} (${daysLeftText(daysUntil(certificate.notAfter))})` },
        { label: 'Key', value: `${certificate.keyType} ${certificate.keyBits}${keyProtection === 'safeStorage' ? ', encrypted by the desktop app' : keyProtection === 'file' ? ', private file (0600)' : ''}` },
        {
          label: 'May only certify',
          value: (
            <ul className="chip-list" aria-label="Name constraints">
              {[...permitted.dns, ...permitted.ip].map((constraint) => (
                <li key={constraint} className="chip">
                  <code>{constraint}</code>
                </li>
              ))}
            </ul>
          ),
        },
      ]}
    />
  );
}

export function CaTrustView({ status }: { status: Status }) {
  const { client } = useEngine();
  const loadCa = useCallback(() => client.call('ca.get', {}), [client]);
  const ca = useQuery(loadCa);
  // Bumped after a rotation: the trust stores are checked again against the new root.
  const [trustCheck, setTrustCheck] = useState(0);
  const rotated = (view: CaView) => {
    ca.replace(() => view);
    setTrustCheck((count) => count + 1);
  };
  const constraints = ca.data ? [...ca.data.permitted.dns, ...ca.data.permitted.ip] : [];

  return (
    <div className="ca-trust">
      <section aria-labelledby="ca-heading">
        <h2 id="ca-heading">Local certificate authority</h2>
        <p>
          One root for this machine, limited by name constraints to development names: even if its key leaked, it could not certify a real site.
        </p>
        {ca.error !== null && (
          <Banner
            tone="error"
            title="Couldn't read the CA"
            message={ca.error.message}
            code={ca.error.code}
            actions={
              <button type="button" className="button" onClick={() => void ca.reload()}>
                Retry
              </button>
            }
          />
        )}
        {ca.data === null && ca.error === null && <p role="status">Loading the CA…</p>}
        {ca.data !== null && (
          <>
            <CaFacts ca={ca.data} keyProtection={status.ca.keyProtection} />
            <p className="hint">
              Tools that do not read a trust store can be pointed at the file: <code>curl --cacert {ca.data.certPath}</code> or{' '}
              <code>NODE_EXTRA_CA_CERTS={ca.data.certPath}</code>.
            </p>
            <CaRotate ca={ca.data} onRotated={rotated} />
          </>
        )}
      </section>
      <TrustStores constraints={constraints} recheck={trustCheck} />
    </div>
  );
}
