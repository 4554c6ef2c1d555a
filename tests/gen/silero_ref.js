// Silero VAD references from onnxruntime (npm onnxruntime-node, CPU, one thread): a signal run
// frame by frame with the model's state carried, as lstm-vad and `lstm-run --chunk --carry` do.
// usage: node silero_ref.js JOB.json
// JOB.json: [{"model", "audio" (raw float32 [B, N]), "B", "N", "sr", "win", "ctx", "v5",
//             "out_dir", "no_sr" (optional: the model has no sr input)}] -> out_dir/output.bin (float32 [B, frames]) and the final state(s)
//             (v5: stateN.bin [2, B, 128]; v4: hn.bin, cn.bin [2, B, 64]).
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2]));
  for (const j of jobs) {
    const session = await ort.InferenceSession.create(j.model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const buf = fs.readFileSync(j.audio);
    const audio = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const frames = Math.ceil(j.N / j.win), len = j.ctx + j.win, H = j.v5 ? 128 : 64;
    const probs = new Float32Array(j.B * frames);
    let state = { a: new Float32Array(2 * j.B * H), b: new Float32Array(2 * j.B * H) };
    const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(j.sr)]), []);
    for (let f = 0; f < frames; f++) {
      const x = new Float32Array(j.B * len);
      for (let b = 0; b < j.B; b++)
        for (let t = 0; t < len; t++) {
          const s = f * j.win - j.ctx + t;
          x[b * len + t] = s >= 0 && s < j.N ? audio[b * j.N + s] : 0;
        }
      const feeds = { input: new ort.Tensor('float32', x, [j.B, len]) };
      if (!j.no_sr) feeds.sr = sr;
      if (j.v5) {
        feeds.state = new ort.Tensor('float32', state.a, [2, j.B, H]);
      } else {
        feeds.h = new ort.Tensor('float32', state.a, [2, j.B, H]);
        feeds.c = new ort.Tensor('float32', state.b, [2, j.B, H]);
      }
      const r = await session.run(feeds);
      for (let b = 0; b < j.B; b++) probs[b * frames + f] = r.output.data[b];
      state = j.v5 ? { a: r.stateN.data, b: state.b } : { a: r.hn.data, b: r.cn.data };
    }
    fs.mkdirSync(j.out_dir, { recursive: true });
    const w = (n, a) => fs.writeFileSync(path.join(j.out_dir, n), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    w('output.bin', probs);
    if (j.v5) w('stateN.bin', state.a); else { w('hn.bin', state.a); w('cn.bin', state.b); }
  }
  console.log('onnxruntime-node ' + require('onnxruntime-node/package.json').version);
}
main().catch((e) => { console.error(e); process.exit(1); });
