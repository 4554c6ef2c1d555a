// Runs onnxruntime (npm onnxruntime-node, CPU) over a job list written by make_ort_cases.py.
// usage: node ort_run.js JOB.json
// JOB.json: [{"model": path, "feeds": [{"name", "dtype", "dims", "file"}], "out_dir": path}]
// Writes out_dir/<output>.bin (raw little-endian float32) and out_dir/outputs.json (dims).
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const arrays = { float32: Float32Array, int32: Int32Array, int64: BigInt64Array };

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2]));
  const opts = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  for (const job of jobs) {
    const session = await ort.InferenceSession.create(job.model, opts);
    const feeds = {};
    for (const f of job.feeds) {
      const buf = fs.readFileSync(f.file);
      const A = arrays[f.dtype];
      const data = new A(buf.buffer, buf.byteOffset, buf.byteLength / A.BYTES_PER_ELEMENT);
      feeds[f.name] = new ort.Tensor(f.dtype, data, f.dims);
    }
    const res = await session.run(feeds);
    const meta = {};
    fs.mkdirSync(job.out_dir, { recursive: true });
    for (const [name, t] of Object.entries(res)) {
      fs.writeFileSync(path.join(job.out_dir, name + '.bin'), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      meta[name] = t.dims;
    }
    fs.writeFileSync(path.join(job.out_dir, 'outputs.json'), JSON.stringify(meta));
  }
  console.log('onnxruntime-node ' + require('onnxruntime-node/package.json').version + ': ' + jobs.length + ' models run');
}
main().catch((e) => { console.error(e); process.exit(1); });
