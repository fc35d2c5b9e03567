/** A definition list of label/value pairs, for certificate and engine details. */
import type { ReactNode } from 'react';

export interface Fact {
  label: string;
  value: ReactNode;
}

export function Facts({ facts, className }: { facts: readonly Fact[]; className?: string }) {
  return (
    <dl className={`facts${className ? ` ${className}` : ''}`}>
      {facts.map((fact) => (
        <div className="facts__row" key={fact.label}>
          <dt>{fact.label}</dt>
          <dd>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}
