/** A project's labelled switch and select: each runs its own engine call and reports the outcome to the card. */
import { useId, useState } from 'react';
import type { HostHeaderMode, HstsPolicy } from '../../shared/config';
import type { ApiError } from '../api/client';
import { Switch } from '../components/Switch';
import { useAction } from '../state/use-action';

export interface Option<V extends string> {
  value: V;
  text: string;
}

export const HSTS_OPTIONS: readonly Option<HstsPolicy>[] = [
  { value: 'off', text: 'Off' },
  { value: 'dev', text: 'Dev (1 hour)' },
  { value: 'production', text: 'Production (1 year, subdomains)' },
];

export const HOST_HEADER_OPTIONS: readonly Option<HostHeaderMode>[] = [
  { value: 'preserve', text: "Project's domain" },
  { value: 'upstream', text: "Upstream's host" },
];

interface ControlProps {
  /** Visible label, e.g. "HTTPS". */
  text: string;
  /** Accessible name, e.g. "HTTPS for web". */
  label: string;
  /** The call's failure, or null when it succeeded. */
  onOutcome(error: ApiError | null): void;
}

export interface SwitchControlProps extends ControlProps {
  checked: boolean;
  onToggle(next: boolean): Promise<unknown>;
}

export function SwitchControl({ text, label, checked, onToggle, onOutcome }: SwitchControlProps) {
  const action = useAction();
  const id = useId();
  return (
    <div className="control">
      <label className="control__label" htmlFor={id}>
        {text}
      </label>
      <Switch id={id} label={label} checked={checked} pending={action.pending} onChange={async (next) => onOutcome(await action.run(() => onToggle(next)))} />
    </div>
  );
}

export interface SelectControlProps<V extends string> extends ControlProps {
  value: V;
  options: readonly Option<V>[];
  /** A sentence under the select. */
  note?: string;
  onSelect(value: V): Promise<unknown>;
}

export function SelectControl<V extends string>({ text, label, value, options, note, onSelect, onOutcome }: SelectControlProps<V>) {
  const action = useAction();
  const [chosen, setChosen] = useState<V | null>(null);
  const id = useId();
  const noteId = `${id}-note`;
  return (
    <div className="control">
      <label className="control__label" htmlFor={id}>
        {text}
      </label>
      <select
        id={id}
        className="control__select"
        aria-label={label}
        aria-busy={action.pending || undefined}
        aria-disabled={action.pending || undefined}
        aria-describedby={note !== undefined ? noteId : undefined}
        // Shows the choice being saved until status.changed brings the engine's value.
        value={action.pending && chosen !== null ? chosen : value}
        onChange={async (event) => {
          if (action.pending) return;
          const next = event.target.value as V;
          setChosen(next);
          onOutcome(await action.run(() => onSelect(next)));
          setChosen(null);
        }}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.text}
          </option>
        ))}
      </select>
      {note !== undefined && (
        <p className="control__note" id={noteId}>
          {note}
        </p>
      )}
    </div>
  );
}
