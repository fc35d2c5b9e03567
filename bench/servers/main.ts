/**
 * Entry point of the bench's server processes, so each server has a core's worth of event loop to
 * itself rather than sharing the orchestrator's: `upstream` or `baseline <upstreamPort> <certFile>
 * <keyFile>`. Prints one JSON line (`{"port":…}`) once listening, and stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { startBaselineProxy } from './baseline-proxy';
import { startUpstream } from './upstream';

async function start(): Promise<{ port: number; close(): Promise<void> }> {
  const [role, ...rest] = process.argv.slice(2);
  if (role === 'upstream') return startUpstream();
  if (role === 'baseline') {
    const [upstreamPort, certFile, keyFile] = rest;
    if (!upstreamPort || !certFile || !keyFile) throw new Error('usage: baseline <upstreamPort> <certFile> <keyFile>');
    return startBaselineProxy({ upstreamPort: Number(upstreamPort), cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') });
  }
  throw new Error(`unknown server role ${role ?? '(none)'}`);
}

const running = await start();
process.stdout.write(`${JSON.stringify({ port: running.port })}\n`);
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
