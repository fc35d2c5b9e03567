/**
 * Engine messages quote commands between backticks (`portico serve`): show those as code, the
 * rest as plain text. Never HTML: messages may echo user input.
 */
export function RichText({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd number of backticks leaves the last one unmatched: keep it as text.
  if (parts.length % 2 === 0) return <>{text}</>;
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}
