// Times the allocator benchmark's workloads compiled to wasm, in Node's V8.
// Usage: node crates/allocator/benches/wasm/run.mjs target/wasm32-unknown-unknown/release/portband_allocator_wasm_bench.wasm
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const path = process.argv[2];
if (!path) {
  console.error("usage: node run.mjs <portband_allocator_wasm_bench.wasm>");
  process.exit(2);
}
const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const { fill, churn_setup, churn } = instance.exports;

/** Median of `runs` timings of `f`, in milliseconds, after `warmup` untimed runs. */
function median(runs, warmup, f) {
  for (let i = 0; i < warmup; i++) f();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

const ranges = [
  ["30000-32767", 30000, 32767],
  ["0-65535", 0, 65535],
];
for (const [name, first, last] of ranges) {
  const ms = median(41, 10, () => {
    if (fill(first, last) !== last - first + 1) throw new Error("fill came up short");
  });
  console.log(`wasm fill/${name}: ${(ms * 1000).toFixed(1)} µs`);
}
const steps = 200_000;
for (const [name, first, last] of ranges) {
  churn_setup(first, last);
  const ms = median(11, 3, () => churn(steps));
  console.log(`wasm churn_95/${name}: ${((ms * 1e6) / steps).toFixed(1)} ns per step`);
}
