/**
 * Settings that only the desktop app has (the engine's config stays the one shared document):
 * `<data>/desktop.json`. A missing or unreadable file means the defaults; a write is atomic.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../engine/system/atomic-file';

export const DesktopSettingsSchema = z.object({
  version: z.literal(1).default(1),
  notifications: z
    .object({
      /** Show desktop notifications at all. */
      enabled: z.boolean().default(true),
      /** When a project's certificate was renewed. */
      certificateRenewed: z.boolean().default(true),
      /** When a dev server that was up stopped answering. */
      upstreamDown: z.boolean().default(true),
    })
    .default({ enabled: true, certificateRenewed: true, upstreamDown: true }),
});
export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

export const desktopSettingsPath = (dataDir: string) => join(dataDir, 'desktop.json');

export async function readDesktopSettings(path: string): Promise<DesktopSettings> {
  try {
    const parsed = DesktopSettingsSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Missing or not JSON: the defaults.
  }
  return DesktopSettingsSchema.parse({});
}

export async function writeDesktopSettings(path: string, settings: DesktopSettings): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(DesktopSettingsSchema.parse(settings), null, 2)}\n`, { mode: 0o600, dirMode: 0o700 });
}
