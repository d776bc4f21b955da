import { benchCore } from './core.ts';
import { benchScan } from './scan.ts';

/**
 * `npm run bench` runs every benchmark; `npm run bench -- core` one of them.
 * A human table first, then one JSON line with every figure, last.
 */
type Bench = (log: (line: string) => void) => Record<string, number> | Promise<Record<string, number>>;
const benches: Record<string, Bench> = { core: benchCore, scan: benchScan };

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (have: ${Object.keys(benches).join(', ')})`);
  process.exit(2);
}
const figures: Record<string, number> = {};
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  Object.assign(figures, await benches[name]!((line) => console.log(line)));
}
console.log(JSON.stringify(figures));
