// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakableCode } from '../../../renderer/components/BreakableCode';

afterEach(cleanup);

const cases = [
  { name: 'a fingerprint breaks after each colon', text: 'AB:CD:EF:01', after: ':', breaks: 3 },
  { name: 'a cipher suite breaks after each underscore', text: 'TLS_AES_256_GCM_SHA384', after: '_', breaks: 4 },
  { name: 'text without the separator has no break point', text: 'RSA2048', after: ':', breaks: 0 },
  { name: 'a trailing separator gets its break point too', text: 'AB:', after: ':', breaks: 1 },
];

describe('BreakableCode', () => {
  it.each(cases)('$name, and reads exactly as the text', ({ text, after, breaks }) => {
    const { container } = render(<BreakableCode text={text} after={after} className="fingerprint" />);
    const code = container.querySelector('code')!;
    expect(code.textContent).toBe(text);
    expect(code.className).toBe('breakable fingerprint');
    expect(code.querySelectorAll('wbr')).toHaveLength(breaks);
    // Each break point sits right after a separator, never inside a segment.
    for (const wbr of code.querySelectorAll('wbr')) expect(wbr.previousSibling?.textContent?.endsWith(after)).toBe(true);
  });
});
