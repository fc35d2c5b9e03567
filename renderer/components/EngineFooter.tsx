/** The page footer: the ports the engine holds (and why, when not the preferred ones) and the data dir. */
import type { Listener, Status } from '../../shared/status';

const ROLE_TEXT: Record<Listener['role'], string> = {
  https: 'HTTPS proxy',
  http: 'HTTP (redirects to HTTPS)',
  control: 'Dashboard and API',
};

/** `127.0.0.1:8443`, `[::1]:8443` (RFC 3986 §3.2.2 brackets IPv6 literals). */
export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function EngineFooter({ status }: { status: Status | null }) {
  if (status === null) return null;
  return (
    <footer className="app-footer">
      <section className="app-footer__section" aria-labelledby="footer-listeners">
        <h2 id="footer-listeners" className="app-footer__heading">
          Listeners
        </h2>
        {status.listeners.length === 0 ? (
          <p>No ports open: the proxy is not running.</p>
        ) : (
          <ul className="listeners">
            {status.listeners.map((listener) => (
              <li key={`${listener.role}-${listener.port}`} className="listeners__item">
                <span className="listeners__role">{ROLE_TEXT[listener.role]}</span>{' '}
                <code>{listener.addresses.map((address) => formatAddress(address, listener.port)).join(', ') || `port ${listener.port}`}</code>
                {listener.note !== undefined && <span className="listeners__note"> — {listener.note}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="app-footer__section" aria-labelledby="footer-data">
        <h2 id="footer-data" className="app-footer__heading">
          Data directory
        </h2>
        <p>
          <code>{status.engine.dataDir}</code>
        </p>
      </section>
    </footer>
  );
}
