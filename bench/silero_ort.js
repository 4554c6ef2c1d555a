// Times a Silero VAD model frame by frame in onnxruntime-node (CPU, one thread), as
// bench/silero_ours.c does in this library: one frame per run, batch 1, the state output fed
// back as the next run's state input; v5 frames carry the 64 (8 kHz: 32) samples before them.
// usage: node silero_ort.js MODEL RATE SAMPLES.f32 FRAMES
// prints: median_ms=… min_ms=… p90_ms=… mean_ms=… prob_sum=… frames=… peak_rss_kb=…
const ort = require('onnxruntime-node');
const fs = require('fs');

async function main() {
  const [model, rateArg, samples, framesArg] = process.argv.slice(2);
  const rate = Number(rateArg), frames = Number(framesArg);
  const buf = fs.readFileSync(samples);
  const audio = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const s = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const v5 = s.inputNames.includes('state');
  const win = rate === 16000 ? 512 : 256, ctx = v5 ? win / 8 : 0, H = v5 ? 128 : 64;
  const perPass = Math.floor(audio.length / win);
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(rate)]), []);
  const zeros = () => new ort.Tensor('float32', new Float32Array(2 * H), [2, 1, H]);
  let frame = new Float32Array(ctx + win), st = {};
  const reset = () => { st = v5 ? { state: zeros() } : { h: zeros(), c: zeros() }; };
  reset();
  const t = [];
  let probSum = 0;
  for (let i = -20; i < frames; i++) {
    if (i === 0) { reset(); frame = new Float32Array(ctx + win); }
    const at = (((i < 0 ? i + 20 : i) % perPass) * win);
    const next = new Float32Array(ctx + win);
    next.set(frame.subarray(win), 0);
    next.set(audio.subarray(at, at + win), ctx);
    frame = next;
    const a = process.hrtime.bigint();
    const out = await s.run({ input: new ort.Tensor('float32', frame, [1, ctx + win]), sr, ...st });
    st = v5 ? { state: out.stateN } : { h: out.hn, c: out.cn };
    const p = out.output.data[0];
    if (i >= 0) { t.push(Number(process.hrtime.bigint() - a) / 1e6); probSum += p; }
  }
  const mean = t.reduce((x, y) => x + y) / t.length;
  t.sort((x, y) => x - y);
  const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  console.log(`median_ms=${t[(t.length - 1) >> 1].toFixed(4)} min_ms=${t[0].toFixed(4)} ` +
              `p90_ms=${t[Math.floor(t.length * 9 / 10)].toFixed(4)} mean_ms=${mean.toFixed(4)} ` +
              `prob_sum=${probSum.toFixed(6)} frames=${frames} peak_rss_kb=${hwm ? hwm[1] : 0}`);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
