/**
 * bench/startup: the backend's time to ready and resident memory, with our plugins
 * and without them, run alternately so that both see the same machine noise.
 */
import fs from 'node:fs';
import { startPortal } from '../../packages/e2e-tests/src/__testUtils__/portal';
import { median, printTable, ratio } from '../lib/stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** Resident set size of a process in MiB, from /proc (Linux). */
function residentMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  return kb / 1024;
}

async function measure(withoutWickrDr: boolean) {
  const started = process.hrtime.bigint();
  const portal = await startPortal({ withoutWickrDr });
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  // Let start-up work that follows readiness (catalog's first processing) settle.
  await new Promise(r => setTimeout(r, 3000));
  const rssMiB = residentMiB(portal.pid);
  await portal.stop();
  return { readyMs, rssMiB };
}

export async function run() {
  const withPlugins: Array<{ readyMs: number; rssMiB: number }> = [];
  const baseline: typeof withPlugins = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so neither always gets the warmer disk cache.
    if (i % 2 === 0) {
      baseline.push(await measure(true));
      withPlugins.push(await measure(false));
    } else {
      withPlugins.push(await measure(false));
      baseline.push(await measure(true));
    }
    process.stderr.write(`startup: run ${i + 1} of ${RUNS} done\n`);
  }
  const row = (name: string, runs: typeof baseline) => ({
    name,
    readyMs: median(runs.map(r => r.readyMs)),
    rssMiB: median(runs.map(r => r.rssMiB)),
  });
  const base = row('without our plugins', baseline);
  const ours = row('with our plugins', withPlugins);
  printTable(`bench/startup: ${RUNS} runs each, medians`, [
    ['backend', 'time to ready (ms)', 'resident memory (MiB)'],
    [base.name, base.readyMs.toFixed(0), base.rssMiB.toFixed(0)],
    [ours.name, ours.readyMs.toFixed(0), ours.rssMiB.toFixed(0)],
    ['ratio (with / without)', ratio(ours.readyMs, base.readyMs), ratio(ours.rssMiB, base.rssMiB)],
  ]);
}
