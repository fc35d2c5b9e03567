/** One finding of `portico doctor`, in plain words, with the fix when there is one. */
export interface DoctorCheck {
  /** Stable id: `ca`, `trust.nss`, `domain.web.test`, `port.443`, `upstream.web`, … */
  id: string;
  title: string;
  /** `fail` is broken (doctor exits 1); `warn` deserves a look; `skip` could not or need not be checked. */
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  /** What to do: a command or a step. */
  fix?: string;
}

export interface DoctorReport {
  /** False when any check failed. */
  ok: boolean;
  checks: DoctorCheck[];
}

export const DAY_MS = 86_400_000;

export function check(id: string, title: string, status: DoctorCheck['status'], detail: string, fix?: string): DoctorCheck {
  return { id, title, status, detail, ...(fix !== undefined && { fix }) };
}

/** Runs a check so that a crash becomes a failed check, never a crashed doctor. */
export async function guarded(id: string, title: string, run: () => Promise<DoctorCheck[]>): Promise<DoctorCheck[]> {
  try {
    return await run();
  } catch (error) {
    return [check(id, title, 'fail', `the check itself failed: ${error instanceof Error ? error.message : String(error)}`)];
  }
}

export function daysLeft(notAfter: string, now: Date): number {
  return Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
}
