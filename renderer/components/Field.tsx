/**
 * A labelled text input with a hint and a validation message tied to it by `aria-describedby`,
 * so a screen reader reads the rule and the problem along with the label.
 */
import type { InputHTMLAttributes, Ref } from 'react';
import { useId } from 'react';
import { RichText } from './RichText';

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> {
  label: string;
  hint?: string;
  /** Blocks submission; shown in the error style. */
  error?: string;
  /** Does not block submission. */
  warning?: string;
  inputRef?: Ref<HTMLInputElement>;
}

export function Field({ label, hint, error, warning, inputRef, ...input }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const messageId = `${id}-message`;
  const message = error ?? warning;
  const describedBy = [hint !== undefined ? hintId : null, message !== undefined ? messageId : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error !== undefined ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        {...input}
        ref={inputRef}
        id={id}
        className="field__input"
        aria-invalid={error !== undefined || undefined}
        aria-describedby={describedBy === '' ? undefined : describedBy}
      />
      {hint !== undefined && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {message !== undefined && (
        <p className={`field__message field__message--${error !== undefined ? 'error' : 'warning'}`} id={messageId}>
          <span className="visually-hidden">{error !== undefined ? 'Error: ' : 'Note: '}</span>
          <RichText text={message} />
        </p>
      )}
    </div>
  );
}
