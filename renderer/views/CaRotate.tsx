/**
 * Rotating the local CA from the dashboard (issue 5: the CA managed without the CLI). A root's
 * name constraints cannot change once it is signed, so allowing another suffix takes a new root:
 * the suffixes are queued here, then `ca.rotate` makes the root behind an inline confirm that says
 * what changes. The engine carries trust over to the new root (trust/rotation.ts).
 */
import type { FormEvent } from 'react';
import { useId, useRef, useState } from 'react';
import type { CaView } from '../../shared/views';
import { Banner } from '../components/Banner';
import { ConfirmButton } from '../components/ConfirmButton';
import { Field } from '../components/Field';
import { checkNewSuffix } from '../state/ca-suffixes';
import { useEngine } from '../state/context';
import { useAction } from '../state/use-action';

export interface CaRotateProps {
  ca: CaView;
  /** Called with the new root's view once `ca.rotate` answered. */
  onRotated(view: CaView): void;
}

export function CaRotate({ ca, onRotated }: CaRotateProps) {
  const { client } = useEngine();
  const action = useAction();
  const headingId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [added, setAdded] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | null>(null);

  const allow = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkNewSuffix(text, ca.permitted.dns, added);
    if (!checked.ok) {
      setError(checked.message);
      input.current?.focus();
      return;
    }
    setAdded([...added, checked.value]);
    setText('');
    setError(undefined);
    setDone(null);
  };

  const rotate = async () => {
    const addSuffixes = added;
    await action.run(async () => {
      const view = await client.call('ca.rotate', { addSuffixes });
      setAdded([]);
      setDone(`New root made${addSuffixes.length > 0 ? `, also allowing ${addSuffixes.join(', ')}` : ''}. Project certificates are re-issued on their next use.`);
      onRotated(view);
    });
  };

  return (
    <section className="ca-rotate" aria-labelledby={headingId}>
      <h3 id={headingId}>Allowed suffixes and rotation</h3>
      <p>
        A root cannot be changed once it is signed: to allow names under another suffix, or to replace the root and its key, Portico makes a new one.
      </p>
      <ul className="chip-list" aria-label="Suffixes the next root allows">
        {ca.permitted.dns.map((subtree) => (
          <li key={subtree} className="chip">
            <code>{subtree}</code>
          </li>
        ))}
        {added.map((suffix) => (
          <li key={suffix} className="chip chip--new">
            <code>{suffix}</code> <span className="visually-hidden">(new)</span>
            <button type="button" className="chip__remove" aria-label={`Do not add ${suffix}`} onClick={() => setAdded(added.filter((other) => other !== suffix))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="ca-rotate__allow" aria-label="Allow another suffix" noValidate onSubmit={allow}>
        <Field
          label="New suffix"
          name="suffix"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.target.value)}
          hint='e.g. ".example": names under it may get certificates once the CA is rotated.'
          error={error}
          inputRef={input}
        />
        <button type="submit" className="button">
          Allow another suffix
        </button>
      </form>
      <ConfirmButton
        text="Rotate the CA"
        label="Rotate the CA"
        question="Rotate the local CA?"
        confirmText="Rotate"
        pending={action.pending}
        details={
          <ul>
            <li>
              Portico makes a new root{added.length > 0 ? ` that also allows ${added.join(', ')}` : ''}; the old one is kept in the CA folder, and stays trusted until no certificate it
              signed is left.
            </li>
            <li>Each project's certificate is re-issued, signed by the new root, the next time it is used.</li>
            <li>The new root is trusted in every store the old one was in. A store that needs administrator rights shows what to run below.</li>
            <li>Browsers may need a restart before they accept the new root.</li>
          </ul>
        }
        onConfirm={rotate}
      />
      {action.error !== null && (
        <Banner
          tone="error"
          title="Couldn't rotate the CA"
          message={action.error.message}
          code={action.error.code}
          actions={
            <button type="button" className="button" onClick={action.clearError}>
              Dismiss
            </button>
          }
        />
      )}
      {/* Always there, so screen readers announce the text when it arrives. */}
      <p role="status" className="ca-rotate__done">
        {done ?? ''}
      </p>
    </section>
  );
}
