// Times one model in onnxruntime-node (CPU): a warm-up run, then RUNS timed runs.
// usage: node bench_ort.js MODEL INPUT T,B,I RUNS THREADS [LEVEL]
// LEVEL: graphOptimizationLevel (disabled, basic, extended, all; default: onnxruntime's, all)
// prints: median_ms=… min_ms=… peak_rss_kb=… threads=…
const ort = require('onnxruntime-node');

async function main() {
  const [model, input, shape, runs, threads, level] = process.argv.slice(2);
  const dims = shape.split(',').map(Number);
  const n = dims.reduce((a, b) => a * b);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 2654435761) % 1000) / 500 - 1;
  const opts = { intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential' };
  if (level) opts.graphOptimizationLevel = level;
  const s = await ort.InferenceSession.create(model, opts);
  const feeds = { [input]: new ort.Tensor('float32', x, dims) };
  await s.run(feeds);
  const t = [];
  for (let i = 0; i < Number(runs); i++) {
    const a = process.hrtime.bigint();
    await s.run(feeds);
    t.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  t.sort((a, b) => a - b);
  // VmHWM: getrusage's maxRSS survives exec and would report the parent's peak.
  const hwm = /VmHWM:\s+(\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'));
  console.log(`median_ms=${t[(t.length - 1) >> 1].toFixed(4)} min_ms=${t[0].toFixed(4)} ` +
              `peak_rss_kb=${hwm ? hwm[1] : process.resourceUsage().maxRSS} threads=${threads}`);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
