/**
 * The Content Security Policy of the dashboard, wherever it is served: by the control API to a
 * browser and by the desktop app's `app://` protocol to its window (security-requirements EL-2).
 * Scripts and styles only from the dashboard's own files; no inline code, no remote anything;
 * `frame-ancestors` (which a `<meta>` CSP cannot carry) keeps other pages from framing it.
 * renderer/index.html carries the same policy, minus `frame-ancestors`, in its `<meta>` tag.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
