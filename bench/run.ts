/**
 * Runs the benchmarks: `npm run bench` runs all, `npm run bench -- startup` one.
 * Each prints a Markdown table of medians and ratios against its baseline.
 */
import * as deploy from './deploy';
import * as discovery from './discovery';
import * as drift from './drift';
import * as entityPage from './entity-page';
import * as keeper from './keeper';
import * as replicas from './replicas';
import * as startup from './startup';
import * as teardown from './teardown';

const benches: Record<string, { run: () => Promise<void> }> = {
  startup,
  deploy,
  discovery,
  drift,
  keeper,
  teardown,
  'entity-page': entityPage,
  replicas,
};

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter(name => !benches[name]);
  if (unknown.length) {
    throw new Error(
      `unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`,
    );
  }
  for (const name of wanted.length ? wanted : Object.keys(benches)) {
    await benches[name].run();
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
