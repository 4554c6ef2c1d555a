// Runs onnxruntime (npm onnxruntime-node, CPU, one thread) over a job list written by
// make_ort_cases.py or make_diff_cases.py.
// usage: node ort_run.js JOB.json
// JOB.json: [{"model": path, "feeds": [{"name", "dtype", "dims", "file"}], "out_dir": path,
//             "typed": bool, "keep_going": bool, "optimization": "disabled"|"basic"|"all"}]
// A feed file holds the raw little-endian elements: dtype is float32, float64, float16 (the
// IEEE half bits), int8/16/32/64, uint8/16/32/64 or bool (one byte each).
// Writes out_dir/<output>.bin (raw elements, the same encodings) and out_dir/outputs.json:
// {name: dims}, or with "typed" {name: {"dims": dims, "type": dtype}} for every output. With
// "keep_going" a job that onnxruntime refuses (load or run) writes out_dir/error.txt with the
// message instead of stopping the list.
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const arrays = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

function toTensor(f) {
  const buf = fs.readFileSync(f.file);
  const A = arrays[f.dtype];
  if (!A) throw new Error('feed ' + f.name + ': unknown dtype ' + f.dtype);
  // Copy into an aligned buffer: the file's bytes may start at any offset.
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  const data = new A(copy.buffer, 0, buf.byteLength / A.BYTES_PER_ELEMENT);
  return new ort.Tensor(f.dtype, data, f.dims);
}

function rawBytes(t) {
  const d = t.data;
  if (typeof d === 'string' || Array.isArray(d)) throw new Error('output of type ' + t.type + ' is not numeric');
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

async function runJob(job) {
  const opts = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  if (job.optimization) opts.graphOptimizationLevel = job.optimization;
  const session = await ort.InferenceSession.create(job.model, opts);
  const feeds = {};
  for (const f of job.feeds) feeds[f.name] = toTensor(f);
  const res = await session.run(feeds);
  const meta = {};
  fs.mkdirSync(job.out_dir, { recursive: true });
  for (const [name, t] of Object.entries(res)) {
    fs.writeFileSync(path.join(job.out_dir, name + '.bin'), rawBytes(t));
    meta[name] = job.typed ? { dims: t.dims, type: t.type } : t.dims;
  }
  fs.writeFileSync(path.join(job.out_dir, 'outputs.json'), JSON.stringify(meta));
  if (session.release) await session.release();
}

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2]));
  let refused = 0;
  for (const job of jobs) {
    try {
      await runJob(job);
    } catch (e) {
      if (!job.keep_going) throw e;
      refused++;
      fs.mkdirSync(job.out_dir, { recursive: true });
      fs.writeFileSync(path.join(job.out_dir, 'error.txt'), String(e && e.message ? e.message : e));
    }
  }
  const v = require('onnxruntime-node/package.json').version;
  console.log('onnxruntime-node ' + v + ': ' + jobs.length + ' models run' + (refused ? ', ' + refused + ' refused' : ''));
}
main().catch((e) => { console.error(e); process.exit(1); });
