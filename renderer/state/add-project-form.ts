/**
 * The add-project form's rules, shared with the CLI and the control API through `shared/names.ts`
 * so the form says exactly what the engine would say. A domain outside the default suffixes is
 * only a note: the CA may allow more suffixes than the defaults, and the engine has the last word.
 */
import type { AddProjectInput } from '../../shared/contract';
import { checkDomain, checkPort, checkProjectName, checkUpstream, defaultDomain } from '../../shared/names';

export interface AddFormValues {
  name: string;
  /** A port (`5173`) or an upstream origin (`http://localhost:5173`). */
  target: string;
  /** Comma-separated, optional. */
  domains: string;
}

export type AddFormField = keyof AddFormValues;

export interface AddFormCheck {
  /** Problems that block submission, per field. */
  errors: Partial<Record<AddFormField, string>>;
  /** Notes that do not block submission. */
  warnings: Partial<Record<AddFormField, string>>;
  /** The command input, when nothing blocks it. */
  input: AddProjectInput | null;
}

export const EMPTY_ADD_FORM: AddFormValues = { name: '', target: '', domains: '' };

export function splitDomains(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function checkAddForm(values: AddFormValues): AddFormCheck {
  const errors: AddFormCheck['errors'] = {};
  const warnings: AddFormCheck['warnings'] = {};

  let name: string | null = null;
  if (values.name.trim() === '') errors.name = 'Enter a project name, e.g. "web".';
  else {
    const checked = checkProjectName(values.name);
    if (checked.ok) name = checked.value;
    else errors.name = checked.message;
  }

  let target: { port: number } | { upstream: string } | null = null;
  const rawTarget = values.target.trim();
  if (rawTarget === '') errors.target = 'Enter the dev server\'s port (e.g. 5173) or its URL (e.g. "http://localhost:5173").';
  else if (/^\d+$/.test(rawTarget)) {
    const checked = checkPort(rawTarget);
    if (checked.ok) target = { port: checked.value };
    else errors.target = checked.message;
  } else {
    const checked = checkUpstream(rawTarget);
    if (checked.ok) target = { upstream: checked.value };
    else errors.target = checked.message;
  }

  const domains: string[] = [];
  const domainErrors: string[] = [];
  const domainWarnings: string[] = [];
  for (const raw of splitDomains(values.domains)) {
    const checked = checkDomain(raw);
    if (checked.ok) domains.push(checked.value);
    else if (checked.code === 'E_DOMAIN_NOT_PERMITTED') {
      domains.push(raw.trim().toLowerCase());
      domainWarnings.push(`"${raw.trim()}" is outside the default suffixes (localhost, .test, .internal): Portico will refuse it unless your CA allows that suffix.`);
    } else domainErrors.push(checked.message);
  }
  if (domainErrors.length > 0) errors.domains = domainErrors.join(' ');
  if (domainWarnings.length > 0) warnings.domains = domainWarnings.join(' ');

  if (Object.keys(errors).length > 0 || name === null || target === null) return { errors, warnings, input: null };
  const input: AddProjectInput = { name, ...target, ...(domains.length > 0 ? { domains } : {}) };
  return { errors, warnings, input };
}

/** The address the project will have, for the form's hint. */
export function previewDomain(values: AddFormValues): string | null {
  const first = splitDomains(values.domains)[0];
  if (first !== undefined) return first.toLowerCase();
  const name = checkProjectName(values.name);
  return name.ok ? defaultDomain(name.value) : null;
}
