/**
 * The bench's verdicts: absolute figures, ratios to direct from the same run, and each target of
 * the issue checked. With several repetitions of the load phases, every ratio is the median of
 * the per-repetition ratios (each computed within one repetition, never across).
 */
import type { BrowserFigures } from './phases/browser';
import type { CertificateFigures } from './phases/certificates';
import type { LoadFigures, PerTarget } from './phases/load';
import type { MemoryFigures } from './phases/memory';
import type { StartupFigures } from './phases/startup';
import { median, ratio, round } from './lib/stats';

export interface BenchFigures {
  loads: LoadFigures[];
  browser: BrowserFigures | null;
  certificates: CertificateFigures | null;
  startup: StartupFigures | null;
  memory?: MemoryFigures | null;
}

export interface Verdict {
  target: string;
  value: number | null;
  unit: string;
  /** The issue's bound: `>=` or `<=` this. */
  bound: number;
  direction: '>=' | '<=';
  aim?: number;
  pass: boolean | null;
}

const MB = 2 ** 20;

function medianOf(values: Array<number | null>): number | null {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  return present.length === 0 ? null : median(present);
}

function verdict(target: string, value: number | null, unit: string, direction: '>=' | '<=', bound: number, aim?: number): Verdict {
  const pass = value === null ? null : direction === '>=' ? value >= bound : value <= bound;
  return { target, value: round(value, 3), unit, bound, direction, ...(aim !== undefined && { aim }), pass };
}

/** The verdict of every target measured in this run. */
export function verdicts(figures: BenchFigures): Verdict[] {
  const out: Verdict[] = [];
  const perRun = (pick: (load: LoadFigures) => number | null) => medianOf(figures.loads.map(pick));
  if (figures.loads.length > 0) {
    out.push(verdict('keep-alive 1 KiB req/s, Portico / direct', perRun((l) => ratio(l.keepAliveSmall.portico?.rps, l.keepAliveSmall.direct?.rps)), '×', '>=', 0.25, 0.35));
    out.push(verdict('new TLS connections/s, Portico / direct (new TCP)', perRun((l) => ratio(l.newConnections.portico?.rps, l.newConnections.direct?.rps)), '×', '>=', 0.15, 0.2));
    out.push(verdict('websocket round trips/s, Portico / plain http-proxy-3', perRun((l) => ratio(l.websocket.portico?.rps, l.websocket.baseline?.rps)), '×', '>=', 1));
    out.push(verdict('HTTP/2 1 KiB req/s, Portico / direct HTTP/1.1', perRun((l) => ratio(l.http2Small.portico?.rps, l.keepAliveSmall.direct?.rps)), '×', '>=', 0.2));
    out.push(
      verdict(
        'one sequential client, added p50',
        perRun((l) => (l.sequential.portico?.p50Ms != null && l.sequential.direct?.p50Ms != null ? l.sequential.portico.p50Ms - l.sequential.direct.p50Ms : null)),
        'ms',
        '<=',
        0.3,
      ),
    );
    out.push(verdict('peak RSS under load', perRun((l) => (l.rss.peak === null ? null : l.rss.peak / MB)), 'MB', '<=', 100));
    out.push(verdict('idle RSS', perRun((l) => (l.rss.idle === null ? null : l.rss.idle / MB)), 'MB', '<=', 60));
    out.push(verdict('RSS after the load, above idle', perRun((l) => (l.rss.afterLoad === null || l.rss.idle === null ? null : (l.rss.afterLoad - l.rss.idle) / MB)), 'MB', '<=', 15));
  }
  if (figures.browser && !figures.browser.skipped) {
    out.push(verdict('300-module page, Portico HTTP/2 / direct HTTP/1.1', ratio(medianOf(figures.browser.porticoMs), medianOf(figures.browser.directMs)), '×', '<=', 1, 0.85));
  }
  if (figures.certificates) {
    out.push(verdict("new project's first certificate (median)", medianOf(figures.certificates.leafPooledMs), 'ms', '<=', 50));
    out.push(verdict('CA creation (median)', medianOf(figures.certificates.caMs), 'ms', '<=', 1000));
  }
  if (figures.startup) {
    const s = figures.startup;
    out.push(verdict(`serve listening with ${s.projects} projects, certificates on disk (median)`, medianOf(s.warmMs), 'ms', '<=', 1000));
    out.push(verdict(`serve listening with ${s.projects} projects, first start`, s.coldMs, 'ms', '<=', 1000));
    out.push(verdict(`memory per project (${s.scale.projects} projects)`, s.scale.perProjectBytes === null ? null : s.scale.perProjectBytes / 1024, 'KB', '<=', 50));
    const small = s.lookupNs['10'];
    const large = s.lookupNs['10000'];
    out.push(verdict('route lookup, 10 000 projects / 10 projects', small && large ? large / small : null, '×', '<=', 3));
  }
  if (figures.memory && figures.memory.runs.length > 0) {
    const runs = figures.memory.runs;
    const of = (pick: (run: (typeof runs)[number]) => number | null | undefined) => medianOf(runs.map((run) => pick(run) ?? null));
    out.push(verdict('memory: peak RSS under load (median)', of((r) => (r.peak === null ? null : r.peak / MB)), 'MB', '<=', 100));
    // Idle as the load phase takes it: 10 s after the first request.
    out.push(verdict('memory: idle RSS (median)', of((r) => (r.idleSettled ? r.idleSettled.rss / MB : null)), 'MB', '<=', 60));
    out.push(verdict('memory: RSS after the load, above idle (median)', of((r) => (r.after && r.idleSettled ? (r.after.rss - r.idleSettled.rss) / MB : null)), 'MB', '<=', 15));
    const perProject = medianOf(figures.memory.perProject.map((p) => (p.perProjectBytes === null ? null : p.perProjectBytes / 1024)));
    out.push(verdict(`memory: per project (${figures.memory.perProject[0]?.projects ?? '-'} projects, median)`, perProject, 'KB', '<=', 50));
  }
  return out;
}

function cell(value: number | null | undefined, digits = 0): string {
  return value == null || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** direct, Portico, baseline, floor, then each of the last three over direct (left out with `ratios: false`). */
function targetRow(name: string, loads: PerTarget[], pick: (r: NonNullable<PerTarget['direct']>) => number | null, digits: number, ratios = true): string[] {
  const of = (who: keyof PerTarget) => medianOf(loads.map((t) => (t[who] ? pick(t[who]) : null)));
  const direct = of('direct');
  const portico = of('portico');
  const baseline = of('baseline');
  const floor = of('floor');
  const over = (value: number | null) => (ratios ? cell(ratio(value, direct), 2) : '');
  return [name, cell(direct, digits), cell(portico, digits), cell(baseline, digits), cell(floor, digits), over(portico), over(baseline), over(floor)];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows.map((row) => row.map((text, col) => (col === 0 ? text.padEnd(widths[col] ?? 0) : text.padStart(widths[col] ?? 0))).join('  ')).join('\n');
}

/** The human-readable report. */
export function renderReport(figures: BenchFigures, checks: Verdict[]): string {
  const lines: string[] = [];
  if (figures.loads.length > 0) {
    const loads = figures.loads;
    const rows: string[][] = [['measure (median of repetitions)', 'direct', 'Portico', 'baseline', 'Node https (no proxy)', 'P/direct', 'B/direct', 'N/direct']];
    // CPU per request of the process serving the client (direct: the upstream; the others: the
    // TLS-terminating process), and of the load generator: what the throughput ratios come from.
    const cpuRows = (of: PerTarget[]) => [
      targetRow('  CPU µs/req, server (direct: upstream)', of, (r) => r.cpuUsPerRequest.proxy ?? r.cpuUsPerRequest.upstream, 0, false),
      targetRow('  CPU µs/req, load generator', of, (r) => r.cpuUsPerRequest.generator, 0, false),
    ];
    rows.push(targetRow('keep-alive 1 KiB, req/s', loads.map((l) => l.keepAliveSmall), (r) => r.rps, 0));
    rows.push(targetRow('  p50 ms', loads.map((l) => l.keepAliveSmall), (r) => r.p50Ms, 2));
    rows.push(targetRow('  p99 ms', loads.map((l) => l.keepAliveSmall), (r) => r.p99Ms, 2));
    rows.push(...cpuRows(loads.map((l) => l.keepAliveSmall)));
    rows.push(targetRow('keep-alive 256 KiB, req/s', loads.map((l) => l.keepAliveLarge), (r) => r.rps, 0));
    rows.push(targetRow('HTTP/2 1 KiB, req/s (direct: HTTP/1.1)', loads.map((l) => ({ ...l.http2Small, direct: l.keepAliveSmall.direct })), (r) => r.rps, 0));
    rows.push(targetRow('new connections, /s (direct: TCP)', loads.map((l) => l.newConnections), (r) => r.rps, 0));
    rows.push(...cpuRows(loads.map((l) => l.newConnections)));
    rows.push(targetRow('websocket round trips, /s', loads.map((l) => l.websocket), (r) => r.rps, 0));
    rows.push(targetRow('one sequential client, p50 ms', loads.map((l) => l.sequential), (r) => r.p50Ms, 3));
    rows.push(targetRow('one sequential client, p99 ms', loads.map((l) => l.sequential), (r) => r.p99Ms, 3));
    const rss = (pick: (l: LoadFigures) => number | null) => cell(medianOf(loads.map((l) => { const v = pick(l); return v === null ? null : v / MB; })), 1);
    rows.push(['RSS idle, MB', '', rss((l) => l.rss.idle), rss((l) => l.rss.baselineIdle), rss((l) => l.rss.floorIdle), '', '', '']);
    rows.push(['RSS peak, MB', '', rss((l) => l.rss.peak), rss((l) => l.rss.baselinePeak), rss((l) => l.rss.floorPeak), '', '', '']);
    rows.push(['RSS after the load, MB', '', rss((l) => l.rss.afterLoad), rss((l) => l.rss.baselineAfterLoad), rss((l) => l.rss.floorAfterLoad), '', '', '']);
    lines.push(table(rows), '');
  }
  if (figures.browser) {
    const b = figures.browser;
    lines.push(
      b.skipped
        ? `300-module page: skipped (${b.skipped})`
        : `300-module page, cold: direct ${cell(medianOf(b.directMs))} ms (${b.protocol.direct}), Portico ${cell(medianOf(b.porticoMs))} ms (${b.protocol.portico}); loads: direct [${b.directMs.map((v) => v.toFixed(0)).join(', ')}], Portico [${b.porticoMs.map((v) => v.toFixed(0)).join(', ')}]`,
      '',
    );
  }
  if (figures.certificates) {
    const c = figures.certificates;
    lines.push(`certificates: CA ${cell(medianOf(c.caMs))} ms median [${c.caMs.map((v) => v.toFixed(0)).join(', ')}]; new project ${cell(medianOf(c.leafPooledMs), 1)} ms median with the key pool, ${cell(medianOf(c.leafUnpooledMs), 1)} ms with an empty pool`, '');
  }
  if (figures.startup) {
    const s = figures.startup;
    lines.push(
      `start-up, ${s.projects} projects: first start ${cell(s.coldMs)} ms (every certificate issued ${cell(s.coldAllIssuedMs)} ms later; a handshake right away ${cell(s.coldFirstHandshakeMs)} ms), certificates on disk ${cell(medianOf(s.warmMs))} ms`,
      `scale: ${s.scale.projects} projects listening after ${cell(s.scale.startupMs)} ms, RSS ${cell((s.scale.rssBytes ?? Number.NaN) / MB, 1)} MB (one project: ${cell((s.scale.oneProjectRssBytes ?? Number.NaN) / MB, 1)} MB); route lookup ${Object.entries(s.lookupNs).map(([size, ns]) => `${size}: ${ns.toFixed(0)} ns`).join(', ')}`,
      '',
    );
  }
  if (figures.memory) {
    const m = figures.memory;
    const list = (values: Array<number | null | undefined>) => `[${values.map((v) => cell(v == null ? null : v / MB, 1)).join(', ')}]`;
    lines.push(
      `memory, MB per repetition: idle ${list(m.runs.map((r) => r.idle?.rss))} (anonymous ${list(m.runs.map((r) => r.idle?.anon))}), idle 10 s ${list(m.runs.map((r) => r.idleSettled?.rss))}, peak ${list(m.runs.map((r) => r.peak))}, after ${list(m.runs.map((r) => r.after?.rss))}, after 30 s ${list(m.runs.map((r) => r.afterSettled?.rss))}`,
      `memory per project, KB: [${m.perProject.map((p) => cell(p.perProjectBytes === null ? null : p.perProjectBytes / 1024, 1)).join(', ')}]`,
      '',
    );
  }
  const rows: string[][] = [['target', 'value', 'bound', 'aim', 'result']];
  for (const check of checks) {
    rows.push([check.target, `${cell(check.value, check.unit === '×' ? 2 : 1)} ${check.unit}`, `${check.direction} ${check.bound}`, check.aim === undefined ? '' : String(check.aim), check.pass === null ? 'n/a' : check.pass ? 'met' : 'MISSED']);
  }
  lines.push(table(rows));
  return lines.join('\n');
}
