/**
 * An identifier that may wrap only after its separators: a fingerprint after each colon
 * (`3B:F1:…`), a cipher suite after each underscore (`TLS_AES_256_GCM_SHA384`). A `<wbr>` gives
 * the browser those break points, so a narrow column never splits "3B" or "SHA384" over two
 * lines, and the text read or copied is unchanged.
 */
import { Fragment } from 'react';

export interface BreakableCodeProps {
  text: string;
  /** Where a line may break: after each occurrence. */
  after: string;
  className?: string;
}

export function BreakableCode({ text, after, className }: BreakableCodeProps) {
  const parts = text.split(after);
  return (
    <code className={`breakable${className ? ` ${className}` : ''}`}>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {part}
          {index < parts.length - 1 && (
            <>
              {after}
              <wbr />
            </>
          )}
        </Fragment>
      ))}
    </code>
  );
}
