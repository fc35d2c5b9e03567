/**
 * Adds a project. Fields are checked as you type with the same rules as the CLI and the engine
 * (`shared/names.ts`); a message shows once a field has been touched, or for all of them after a
 * submit attempt. The engine's answer (e.g. a duplicate name) is shown as it comes.
 */
import type { FormEvent } from 'react';
import { useId, useRef, useState } from 'react';
import { Banner } from '../components/Banner';
import { Field } from '../components/Field';
import type { AddFormField, AddFormValues } from '../state/add-project-form';
import { checkAddForm, EMPTY_ADD_FORM, previewDomain } from '../state/add-project-form';
import { useEngine } from '../state/context';
import { useAction } from '../state/use-action';

const FIELD_ORDER: readonly AddFormField[] = ['name', 'target', 'domains'];

export function AddProjectForm({ headingText = 'Add a project' }: { headingText?: string }) {
  const { client } = useEngine();
  const [values, setValues] = useState<AddFormValues>(EMPTY_ADD_FORM);
  const [touched, setTouched] = useState<Partial<Record<AddFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const action = useAction();
  const headingId = useId();
  const inputs = {
    name: useRef<HTMLInputElement>(null),
    target: useRef<HTMLInputElement>(null),
    domains: useRef<HTMLInputElement>(null),
  };

  const check = checkAddForm(values);
  const shown = (field: AddFormField) => submitted || touched[field] === true || values[field].trim() !== '';
  const errorFor = (field: AddFormField) => (shown(field) ? check.errors[field] : undefined);
  const preview = previewDomain(values);

  const update = (field: AddFormField) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    setAdded(null);
  };
  const touch = (field: AddFormField) => () => setTouched((current) => ({ ...current, [field]: true }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const input = check.input;
    if (input === null) {
      const firstInvalid = FIELD_ORDER.find((field) => check.errors[field] !== undefined);
      if (firstInvalid !== undefined) inputs[firstInvalid].current?.focus();
      return;
    }
    const failure = await action.run(() => client.call('projects.add', input));
    if (failure === null) {
      setValues(EMPTY_ADD_FORM);
      setTouched({});
      setSubmitted(false);
      setAdded(input.name);
    }
  };

  return (
    <section className="add-project" aria-labelledby={headingId}>
      <h2 id={headingId}>{headingText}</h2>
      <form className="add-project__form" noValidate onSubmit={submit} aria-labelledby={headingId}>
        <Field
          label="Name"
          name="name"
          autoComplete="off"
          spellCheck={false}
          value={values.name}
          onChange={update('name')}
          onBlur={touch('name')}
          hint="Lower-case letters, digits and hyphens, e.g. web"
          error={errorFor('name')}
          inputRef={inputs.name}
        />
        <Field
          label="Port or upstream URL"
          name="target"
          autoComplete="off"
          spellCheck={false}
          inputMode="url"
          value={values.target}
          onChange={update('target')}
          onBlur={touch('target')}
          hint="e.g. 5173, or http://localhost:5173"
          error={errorFor('target')}
          inputRef={inputs.target}
        />
        <Field
          label="Domains (optional)"
          name="domains"
          autoComplete="off"
          spellCheck={false}
          value={values.domains}
          onChange={update('domains')}
          onBlur={touch('domains')}
          hint={`Comma-separated. ${preview !== null ? `This project will answer on ${preview}.` : 'Default: <name>.localhost.'}`}
          error={errorFor('domains')}
          warning={check.warnings.domains}
          inputRef={inputs.domains}
        />
        <div className="add-project__actions">
          <button type="submit" className="button button--primary" aria-busy={action.pending || undefined} aria-disabled={action.pending || undefined}>
            {action.pending ? 'Adding…' : 'Add project'}
          </button>
        </div>
      </form>
      {action.error !== null && (
        <Banner
          tone="error"
          title="Couldn't add the project"
          message={action.error.message}
          code={action.error.code}
          actions={
            <button type="button" className="button" onClick={action.clearError}>
              Dismiss
            </button>
          }
        />
      )}
      {/* Always in the page: a live region announces changes to its text, not its insertion. */}
      <p role="status" className="add-project__done">
        {added !== null ? `Added ${added}.` : ''}
      </p>
    </section>
  );
}
