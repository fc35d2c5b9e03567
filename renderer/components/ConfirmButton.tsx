/**
 * A button whose action needs a second, deliberate step, shown inline rather than with
 * `window.confirm` (which blocks the page and cannot be styled or tested): "Remove web? Remove /
 * Cancel". Focus goes to Cancel, the safe choice; Escape cancels; focus returns to the trigger.
 */
import type { ReactNode } from 'react';
import { useEffect, useId, useRef, useState } from 'react';

export interface ConfirmButtonProps {
  /** Visible text of the trigger, e.g. "Remove". */
  text: string;
  /** Accessible name of the trigger, e.g. "Remove web". */
  label: string;
  /** The question, e.g. "Remove web?"; also names the confirm group. */
  question: string;
  /** Visible text of the confirming button, e.g. "Remove". */
  confirmText: string;
  /** More words inside the confirm step: what the action changes. */
  details?: ReactNode;
  pending?: boolean;
  tone?: 'danger' | 'normal';
  /** Runs the action; the confirm step closes when it resolves. */
  onConfirm(): Promise<unknown> | void;
}

export function ConfirmButton({ text, label, question, confirmText, details, pending = false, tone = 'normal', onConfirm }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  // Focus moves only after a user opened or closed the step, never on first render.
  const focusTarget = useRef<'cancel' | 'trigger' | null>(null);
  const questionId = useId();

  useEffect(() => {
    if (focusTarget.current === 'cancel') cancel.current?.focus();
    if (focusTarget.current === 'trigger') trigger.current?.focus();
    focusTarget.current = null;
  }, [open]);

  const close = () => {
    focusTarget.current = 'trigger';
    setOpen(false);
  };

  if (!open) {
    return (
      <button
        ref={trigger}
        type="button"
        className={`button${tone === 'danger' ? ' button--danger-quiet' : ''}`}
        aria-label={label}
        onClick={() => {
          focusTarget.current = 'cancel';
          setOpen(true);
        }}
      >
        {text}
      </button>
    );
  }

  return (
    <div
      className="confirm"
      role="group"
      aria-labelledby={questionId}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !pending) {
          event.stopPropagation();
          close();
        }
      }}
    >
      <p className="confirm__question" id={questionId}>
        {question}
      </p>
      {details !== undefined && <div className="confirm__details">{details}</div>}
      <div className="confirm__actions">
        <button
          type="button"
          className={`button ${tone === 'danger' ? 'button--danger' : 'button--primary'}`}
          aria-busy={pending || undefined}
          aria-disabled={pending || undefined}
          onClick={async () => {
            if (pending) return;
            await onConfirm();
            close();
          }}
        >
          {pending ? 'Working…' : confirmText}
        </button>
        <button ref={cancel} type="button" className="button" disabled={pending} onClick={close}>
          Cancel
        </button>
      </div>
    </div>
  );
}
