/**
 * Entry point of the bench's server processes, so each server has a core's worth of event loop to
 * itself rather than sharing the orchestrator's: `upstream`, `baseline <upstreamPort> <certFile>
 * <keyFile>` or `floor <certFile> <keyFile>`. Prints one JSON line (`{"port":…}`) once listening,
 * and stops on SIGTERM. Each role's module is imported on its own, so a process's RSS holds only
 * what its server loads (the floor's no http-proxy-3 nor ws).
 */
import { readFileSync } from 'node:fs';

async function start(): Promise<{ port: number; close(): Promise<void> }> {
  const [role, ...rest] = process.argv.slice(2);
  if (role === 'upstream') return (await import('./upstream')).startUpstream();
  if (role === 'baseline') {
    const [upstreamPort, certFile, keyFile] = rest;
    if (!upstreamPort || !certFile || !keyFile) throw new Error('usage: baseline <upstreamPort> <certFile> <keyFile>');
    const { startBaselineProxy } = await import('./baseline-proxy');
    return startBaselineProxy({ upstreamPort: Number(upstreamPort), cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') });
  }
  if (role === 'floor') {
    const [certFile, keyFile] = rest;
    if (!certFile || !keyFile) throw new Error('usage: floor <certFile> <keyFile>');
    const { startFloor } = await import('./floor');
    return startFloor({ cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') });
  }
  throw new Error(`unknown server role ${role ?? '(none)'}`);
}

const running = await start();
process.stdout.write(`${JSON.stringify({ port: running.port })}\n`);
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
