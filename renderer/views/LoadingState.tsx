/** Shown until the first status arrives: a live "Connecting…" message and placeholder rows. */
export function LoadingState() {
  return (
    <div className="loading">
      <p role="status" className="loading__text">
        Connecting to Portico…
      </p>
      <div className="skeleton" aria-hidden="true">
        <div className="skeleton__row" />
        <div className="skeleton__row" />
        <div className="skeleton__row skeleton__row--short" />
      </div>
    </div>
  );
}
