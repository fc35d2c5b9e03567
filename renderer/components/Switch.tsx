/**
 * An on/off control: `<button role="switch" aria-checked>` (WAI-ARIA APG "Switch" pattern). The
 * accessible name comes from `label` (e.g. "HTTPS for web"); the visible text says On/Off so the
 * state is never colour alone. While the call runs it stays focusable but inert (`aria-disabled`),
 * because a disabled button would drop keyboard focus.
 */
export interface SwitchProps {
  id?: string;
  /** The accessible name, exactly. */
  label: string;
  checked: boolean;
  pending?: boolean;
  onChange(next: boolean): void;
}

export function Switch({ id, label, checked, pending = false, onChange }: SwitchProps) {
  return (
    <button
      id={id}
      type="button"
      role="switch"
      className={`switch${checked ? ' switch--on' : ''}${pending ? ' switch--pending' : ''}`}
      aria-checked={checked}
      aria-label={label}
      aria-busy={pending || undefined}
      aria-disabled={pending || undefined}
      onClick={() => {
        if (!pending) onChange(!checked);
      }}
    >
      <span className="switch__track" aria-hidden="true">
        <span className="switch__thumb" />
      </span>
      <span className="switch__text" aria-hidden="true">
        {pending ? 'Saving…' : checked ? 'On' : 'Off'}
      </span>
    </button>
  );
}
