/**
 * A message across a section: what happened and what to do. Errors are `role="alert"` so screen
 * readers announce them; notices are `role="status"`. The tone is also in the title text, not
 * only in the colour.
 */
import type { ReactNode } from 'react';
import type { ErrorCode } from '../../shared/errors';
import { RichText } from './RichText';

export type BannerTone = 'error' | 'warning' | 'info';

export interface BannerProps {
  tone: BannerTone;
  title: string;
  /** The explanation; backtick-quoted commands render as code. */
  message?: string;
  /** The contract's error code, shown small for bug reports and scripts. */
  code?: ErrorCode;
  /** Buttons such as "Retry" or "Dismiss". */
  actions?: ReactNode;
  children?: ReactNode;
}

export function Banner({ tone, title, message, code, actions, children }: BannerProps) {
  return (
    <div className={`banner banner--${tone}`} role={tone === 'info' ? 'status' : 'alert'}>
      <div className="banner__body">
        <p className="banner__title">{title}</p>
        {message !== undefined && (
          <p className="banner__message">
            <RichText text={message} />
          </p>
        )}
        {children}
        {code !== undefined && <p className="banner__code">Error code: {code}</p>}
      </div>
      {actions !== undefined && <div className="banner__actions">{actions}</div>}
    </div>
  );
}
