/**
 * A project's TLS state: its certificate (names, issuer, validity, fingerprint, key), the TLS
 * profile the proxy enforces, what recent connections actually negotiated, the HSTS header it
 * sends and how many cookies were made Secure.
 */
import type { ProjectStatus, TlsProfile } from '../../shared/status';
import { Facts } from '../components/Facts';
import { BreakableCode } from '../components/BreakableCode';
import { daysLeftText, formatDateTime, plural } from '../components/format';
import type { ConnectionSummary } from '../state/request-log';

export interface TlsDetailsProps {
  status: ProjectStatus;
  tls: TlsProfile;
  connections: readonly ConnectionSummary[];
}

/**
 * A response header as sent. It wraps only between directives (`;`-separated, RFC 6797 §6.1),
 * never at the hyphen of `max-age`, which would read as two words.
 */
function HeaderLine({ name, value }: { name: string; value: string }) {
  // A capturing split keeps the separators, so the text stays exactly what the engine sends.
  const pieces = value.split(/(;\s*)/);
  return (
    <code>
      <span className="nowrap">{name}:</span>{' '}
      {pieces.map((piece, index) => (index % 2 === 1 ? piece : <span key={index} className="nowrap">{piece}</span>))}
    </code>
  );
}

function CertificateFacts({ status }: { status: ProjectStatus }) {
  const { certificate, project } = status;
  if (certificate === null) {
    return <p>{project.https ? 'No certificate yet: Portico issues one when it starts serving this project over HTTPS.' : 'No certificate: HTTPS is off for this project.'}</p>;
  }
  const expiring = certificate.daysLeft <= 7;
  return (
    <Facts
      facts={[
        { label: 'Names (SANs)', value: certificate.sans.join(', ') },
        { label: 'Issuer', value: certificate.issuer },
        {
          label: 'Valid until',
          value: (
            <>
              {formatDateTime(certificate.notAfter)} <span className={expiring ? 'text-warning' : undefined}>({daysLeftText(certificate.daysLeft)})</span>
            </>
          ),
        },
        { label: 'SHA-256 fingerprint', value: <BreakableCode text={certificate.fingerprint256} after=":" className="fingerprint" /> },
        { label: 'Key', value: certificate.key },
      ]}
    />
  );
}

function ConnectionsTable({ connections }: { connections: readonly ConnectionSummary[] }) {
  if (connections.length === 0) return <p>No requests yet: open the project's address and they appear here.</p>;
  return (
    <table className="table table--compact">
      <caption className="visually-hidden">Negotiated protocol, TLS version and cipher of recent requests</caption>
      <thead>
        <tr>
          <th scope="col">Protocol (ALPN)</th>
          <th scope="col">TLS version</th>
          <th scope="col">Cipher</th>
          <th scope="col">Requests</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((connection) => (
          <tr key={`${connection.protocol}|${connection.tlsVersion}|${connection.cipher}`}>
            <td>{connection.protocol}</td>
            <td>{connection.tlsVersion ?? 'plain HTTP'}</td>
            <td>{connection.cipher !== null ? <BreakableCode text={connection.cipher} after="_" /> : '—'}</td>
            <td>{connection.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TlsDetails({ status, tls, connections }: TlsDetailsProps) {
  const name = status.project.name;
  return (
    <section className="tls-details" aria-label={`TLS details for ${name}`}>
      <div className="tls-details__group">
        <h4>Certificate</h4>
        <CertificateFacts status={status} />
      </div>
      <div className="tls-details__group">
        <h4>Recent connections</h4>
        <ConnectionsTable connections={connections} />
      </div>
      <div className="tls-details__group">
        <h4>Response security</h4>
        <Facts
          facts={[
            { label: 'HSTS header sent', value: status.hstsHeader !== null ? <HeaderLine name="Strict-Transport-Security" value={status.hstsHeader} /> : 'none' },
            { label: 'Cookies made Secure', value: `${plural(status.cookiesRewritten, 'cookie')} rewritten since start` },
          ]}
        />
      </div>
      <div className="tls-details__group">
        <h4>TLS profile</h4>
        <Facts
          facts={[
            { label: 'Profile', value: tls.name },
            { label: 'Versions', value: tls.versions.join(', ') },
            { label: 'ALPN', value: tls.alpn.join(', ') },
            { label: 'Groups', value: tls.groups.join(', ') },
            {
              label: 'Ciphers',
              value: (
                <details>
                  <summary>{plural(tls.ciphers.length, 'cipher suite')}</summary>
                  <ul className="cipher-list">
                    {tls.ciphers.map((cipher) => (
                      <li key={cipher}>
                        <code>{cipher}</code>
                      </li>
                    ))}
                  </ul>
                </details>
              ),
            },
          ]}
        />
      </div>
    </section>
  );
}
