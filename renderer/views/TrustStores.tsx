/** Each trust store's state, with Install (after a confirm) and Uninstall. */
import { useCallback, useEffect } from 'react';
import type { TrustStateView } from '../../shared/contract';
import { Banner } from '../components/Banner';
import { ConfirmButton } from '../components/ConfirmButton';
import { RichText } from '../components/RichText';
import { useEngine } from '../state/context';
import { useAction } from '../state/use-action';
import { useQuery } from '../state/use-query';

const STATUS_TEXT: Record<TrustStateView['status'], string> = {
  installed: 'Installed',
  'not-installed': 'Not installed',
  unavailable: 'Unavailable',
  error: 'Error',
};

function statusText(state: TrustStateView): string {
  if (state.status === 'installed' && state.verified === true) return 'Installed and verified';
  return STATUS_TEXT[state.status];
}

function TrustStoreRow({ state, constraints, onChanged }: { state: TrustStateView; constraints: readonly string[]; onChanged(states: TrustStateView[]): void }) {
  const { client } = useEngine();
  const action = useAction();
  const stores = [state.store];

  const install = async () => {
    await action.run(async () => onChanged(await client.call('trust.install', { stores })));
  };
  const uninstall = async () => {
    await action.run(async () => onChanged(await client.call('trust.uninstall', { stores })));
  };

  return (
    <tr>
      <th scope="row">{state.label}</th>
      <td>
        <span className={`trust-status trust-status--${state.status}`}>{statusText(state)}</span>
      </td>
      <td>
        <p className="trust-detail">{state.detail}</p>
        {state.hint !== undefined && (
          <p className="hint">
            <RichText text={state.hint} />
          </p>
        )}
        {action.error !== null && (
          <Banner
            tone="error"
            title={`Couldn't change ${state.label}`}
            message={action.error.message}
            code={action.error.code}
            actions={
              <button type="button" className="button" onClick={action.clearError}>
                Dismiss
              </button>
            }
          />
        )}
      </td>
      <td className="trust-actions">
        {(state.status === 'not-installed' || state.status === 'error') && (
          <ConfirmButton
            text="Install"
            label={`Install in ${state.label}`}
            question={`Trust Portico's root CA in ${state.label}?`}
            confirmText="Install"
            pending={action.pending}
            details={
              <p>
                Programs that use this store will accept certificates Portico issues for {constraints.length > 0 ? constraints.join(', ') : 'development names'}. Your system
                may ask for your password.
              </p>
            }
            onConfirm={install}
          />
        )}
        {state.status === 'installed' && (
          <button
            type="button"
            className="button"
            aria-label={`Uninstall from ${state.label}`}
            aria-busy={action.pending || undefined}
            aria-disabled={action.pending || undefined}
            onClick={() => {
              if (!action.pending) void uninstall();
            }}
          >
            {action.pending ? 'Uninstalling…' : 'Uninstall'}
          </button>
        )}
      </td>
    </tr>
  );
}

/** Turns a whole-panel failure into a sentence; an engine without trust support is not a crash. */
function trustFailureTitle(code: string): string {
  if (code === 'E_UNKNOWN_COMMAND') return 'This Portico engine cannot manage trust stores yet';
  if (code === 'E_TOOL_MISSING') return 'A tool Portico needs to check trust stores is missing';
  return "Couldn't read the trust stores";
}

/** `recheck`: each new value checks every store again (after a CA rotation); 0 is the first load. */
export function TrustStores({ constraints, recheck = 0 }: { constraints: readonly string[]; recheck?: number }) {
  const { client } = useEngine();
  const loadTrust = useCallback(() => client.call('trust.status', {}), [client]);
  const trust = useQuery(loadTrust);
  const { reload } = trust;
  useEffect(() => {
    if (recheck > 0) void reload();
  }, [recheck, reload]);

  // trust.install/uninstall answer with the stores they touched; keep the others as they were.
  const merge = (changed: TrustStateView[]) => {
    const byStore = new Map(changed.map((state) => [state.store, state]));
    trust.replace((current) => (current ?? changed).map((state) => byStore.get(state.store) ?? state));
  };

  return (
    <section aria-labelledby="trust-heading">
      <div className="section-head">
        <h2 id="trust-heading">Trust stores</h2>
        <button type="button" className="button" aria-busy={trust.loading || undefined} onClick={() => void trust.reload()}>
          Check again
        </button>
      </div>
      <p>Browsers and tools accept Portico's certificates only where its root is installed. Each store is checked on its own.</p>
      {trust.error !== null && (
        <Banner
          tone={trust.error.code === 'E_UNKNOWN_COMMAND' ? 'warning' : 'error'}
          title={trustFailureTitle(trust.error.code)}
          message={trust.error.message}
          code={trust.error.code}
        />
      )}
      {trust.data === null && trust.error === null && <p role="status">Checking trust stores…</p>}
      {trust.data !== null && trust.data.length === 0 && <p>No trust stores were found on this machine.</p>}
      {trust.data !== null && trust.data.length > 0 && (
        // Scrolls on its own in a narrow window instead of pushing the whole page sideways.
        <div className="table-scroll" role="region" aria-label="Trust store list" tabIndex={0}>
          <table className="table">
            <caption className="visually-hidden">Trust stores and whether Portico's root is installed</caption>
            <thead>
              <tr>
                <th scope="col">Store</th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {trust.data.map((state) => (
                <TrustStoreRow key={state.store} state={state} constraints={constraints} onChanged={merge} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
