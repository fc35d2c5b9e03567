/** The empty state: what Portico does, how to add the first project (here or from the CLI), and trusting the CA. */
import { AddProjectForm } from './AddProjectForm';

export function FirstRunGuide({ onShowTrust }: { onShowTrust(): void }) {
  return (
    <section className="first-run" aria-labelledby="first-run-heading">
      <h2 id="first-run-heading">Welcome to Portico</h2>
      <p>
        Portico gives each dev server on this machine a stable, trusted HTTPS address: run <code>vite</code> on port 5173, add it here, and open{' '}
        <code>https://web.localhost</code> — a real certificate from your own local CA, HTTP/2, HSTS and Secure cookies, with hot reload still working.
      </p>
      <ol className="first-run__steps">
        <li>Start your dev server as usual.</li>
        <li>
          Add it with the form below, or from a terminal: <code>portico add web --port 5173</code>
        </li>
        <li>
          Trust Portico's local CA once so browsers accept its certificates. The CA can only certify development names (such as{' '}
          <code>.localhost</code> and <code>.test</code>), never real sites.{' '}
          <button type="button" className="button button--link" onClick={onShowTrust}>
            Open CA and trust
          </button>
        </li>
      </ol>
      <AddProjectForm headingText="Add your first project" />
    </section>
  );
}
