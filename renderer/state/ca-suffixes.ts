/**
 * The "Allow another suffix" rule of the CA panel. The syntax check is `checkSuffix`, the one the
 * engine applies to `ca.rotate`; on top, a suffix the root already covers is refused, because a
 * dNSName constraint `internal` already permits every name under it (RFC 5280 §4.2.1.10), so a
 * new root would change nothing for it.
 */
import { checkSuffix } from '../../shared/names';

export type SuffixCheck = { ok: true; value: string } | { ok: false; message: string };

/** `.dev.internal` → `dev.internal`: the dNSName subtree a suffix becomes (pki/name-constraints.ts). */
function subtreeOf(suffix: string): string {
  return suffix.replace(/^\./, '');
}

/**
 * `input` as a suffix to add to the next root, or why not. `permittedDns` are the current root's
 * dNSName constraints (`localhost`, `test`, …); `added` the suffixes already queued.
 */
export function checkNewSuffix(input: string, permittedDns: readonly string[], added: readonly string[]): SuffixCheck {
  if (input.trim() === '') return { ok: false, message: 'Type a suffix such as ".example" or ".dev.lan".' };
  const checked = checkSuffix(input);
  if (!checked.ok) return { ok: false, message: checked.message };
  const name = subtreeOf(checked.value);
  const under = (subtree: string) => name === subtree || name.endsWith(`.${subtree}`);
  const covering = permittedDns.map(subtreeOf).find(under);
  if (covering !== undefined) {
    return { ok: false, message: covering === name ? `"${checked.value}" is already allowed.` : `"${checked.value}" is already allowed: every name under "${covering}" is.` };
  }
  const queued = added.find((suffix) => under(subtreeOf(suffix)));
  if (queued !== undefined) return { ok: false, message: `"${checked.value}" is already covered by "${queued}" in the list.` };
  return { ok: true, value: checked.value };
}
