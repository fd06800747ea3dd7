// ONNX Runtime peer worker for `inferlab bench/compare --backend onnxruntime`.
// Speaks inferlab's line-delimited JSON protocol on stdin/stdout (docs/bench.md): load, samples,
// measure, infer, stats. Each stream is a worker thread owning its own InferenceSession (node's
// session.run blocks its thread, so concurrency needs threads). Latencies are taken in this
// process with a monotonic clock (performance.now), warm-up excluded, and sent back raw; inferlab
// computes every statistic.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { performance } = require('perf_hooks');

// ---- .npy ------------------------------------------------------------------------------------
const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array], '|u1': ['uint8', Uint8Array],
  '|i1': ['int8', Int8Array], '|b1': ['bool', Uint8Array], '<f2': ['float16', Uint16Array],
};
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)[1];
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const t = NPY_TYPES[descr];
  if (!t) throw new Error(`${file}: unsupported .npy type ${descr}`);
  const off = hstart + hlen;
  const bytes = buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length);
  const data = new t[1](bytes);
  return { type: t[0] === 'float16' ? 'float16' : t[0], data, dims };
}
function writeNpy(file, tensor) {
  const descr = Object.keys(NPY_TYPES).find((k) => NPY_TYPES[k][0] === tensor.type);
  if (!descr) throw new Error(`output type ${tensor.type} cannot be written as .npy`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const d = tensor.data;
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(d.buffer, d.byteOffset, d.byteLength)]));
}

// ---- stream worker thread: one session, runs samples on request --------------------------------
if (!isMainThread) {
  const ort = require('onnxruntime-node');
  let session = null;
  let samples = [];
  const feeds = (inputs) => {
    const f = {};
    for (const [name, t] of Object.entries(inputs)) f[name] = new ort.Tensor(t.type, t.data, t.dims);
    return f;
  };
  parentPort.on('message', async (m) => {
    try {
      if (m.cmd === 'load') {
        const t0 = performance.now();
        session = await ort.InferenceSession.create(m.model, m.options);
        parentPort.postMessage({ ok: true, id: m.id, compile_ms: performance.now() - t0,
          outputs: session.outputNames });
      } else if (m.cmd === 'samples') {
        samples = m.files.map((one) => {
          const ins = {};
          for (const [name, file] of Object.entries(one)) ins[name] = readNpy(file);
          return feeds(ins);
        });
        parentPort.postMessage({ ok: true, id: m.id });
      } else if (m.cmd === 'run') {
        await session.run(samples[m.sample]);
        parentPort.postMessage({ ok: true, id: m.id });
      } else if (m.cmd === 'infer') {
        const ins = {};
        for (const [name, file] of Object.entries(m.inputs)) ins[name] = readNpy(file);
        const out = await session.run(feeds(ins));
        const files = {};
        let i = 0;
        for (const [name, t] of Object.entries(out)) {
          const f = path.join(m.output_dir, `out${i++}.npy`);
          writeNpy(f, t);
          files[name] = f;
        }
        parentPort.postMessage({ ok: true, id: m.id, outputs: files });
      }
    } catch (e) {
      parentPort.postMessage({ ok: false, id: m.id, error: String(e && e.message ? e.message : e) });
    }
  });
  return;
}

// ---- main thread: protocol, scheduling, clocks ---------------------------------------------------
const streams = [];  // { worker, busy, queue }
let nextId = 1;
const pending = new Map();
let inFlight = 1;

function call(stream, msg) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    stream.worker.postMessage({ ...msg, id });
  });
}
function onMessage(m) {
  const p = pending.get(m.id);
  pending.delete(m.id);
  if (m.ok) p.resolve(m); else p.reject(new Error(m.error));
}
// Runs sample `s` on the least busy stream; resolves when done.
function runSample(s) {
  let best = streams[0];
  for (const st of streams) if (st.busy < best.busy) best = st;
  best.busy++;
  return call(best, { cmd: 'run', sample: s }).finally(() => { best.busy--; });
}

async function load(req) {
  const cores = req.cores || 1;
  let nstreams = req.streams > 0 ? req.streams : (req.hint === 'throughput' ? cores : 1);
  if (!req.async) nstreams = 1;
  const threads = req.threads > 0 ? req.threads : Math.max(1, Math.floor(cores / nstreams));
  inFlight = req.async ? (req.nireq > 0 ? req.nireq : nstreams) : 1;
  const level = { 0: 'disabled', 1: 'basic', 2: 'extended', 99: 'all' }[req.opt_level] || 'all';
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: level, executionMode: 'sequential' };
  if (req.precision && req.precision !== 'f32')
    throw new Error(`precision ${req.precision} is not available for onnxruntime here (f32 only)`);
  for (let i = 0; i < nstreams; ++i) {
    const worker = new Worker(__filename);
    const st = { worker, busy: 0 };
    worker.on('message', onMessage);
    worker.on('error', (e) => { process.stderr.write(`stream ${i}: ${e}\n`); process.exit(3); });
    streams.push(st);
  }
  const replies = await Promise.all(streams.map((st) => call(st, { cmd: 'load', model: req.model, options })));
  const ortVersion = require('onnxruntime-node/package.json').version;
  return { version: `onnxruntime ${ortVersion} (onnxruntime-node, node ${process.versions.node})`,
    compile_ms: Math.max(...replies.map((r) => r.compile_ms)), in_flight: inFlight,
    outputs: replies[0].outputs,
    settings: { streams: nstreams, sessions: nstreams, threads_per_stream: threads,
      intra_op_threads: threads, inter_op_threads: 1, graph_optimization_level: level,
      execution_mode: 'sequential', nireq: inFlight, api: req.async ? 'async' : 'sync',
      pin: false } };
}

// One phase of a load plan: same rules as inferlab's loadgen (bench/loadgen.cpp), including the
// open loop's bound: a query that arrives while spec.maxOutstanding (> 0) are still outstanding
// stops issuing (saturated) and only what is in flight drains (docs/reliability.md).
async function phase(spec) {
  const lat = [];
  let issued = 0, completed = 0, lastDone = 0, saturated = false, stoppedAt = 0;
  const t0 = performance.now();
  const query = async (q, start) => {
    const runs = [];
    for (let k = 0; k < spec.spq; ++k) runs.push(runSample((q * spec.spq + k) % spec.sampleCount));
    await Promise.all(runs);
    const now = performance.now();
    lat.push(now - start);
    lastDone = now;
    completed++;
  };
  const more = () => {
    const el = (performance.now() - t0) / 1000;
    if (spec.maxDuration > 0 && el >= spec.maxDuration) return false;
    return issued < spec.minQueries || el < spec.minDuration;
  };
  if (spec.mode === 'closed') {
    let initial = spec.concurrency;
    if (spec.minDuration <= 0) initial = Math.min(initial, spec.minQueries);
    const loops = [];
    for (let i = 0; i < initial; ++i) {
      issued++;
      loops.push((async () => {
        await query(i, performance.now());
        while (more()) {
          const q = issued++;
          await query(q, performance.now());
        }
      })());
    }
    await Promise.all(loops);
  } else {
    const all = [];
    const start = performance.now() + 1;
    for (let q = 0; q < spec.arrivals.length; ++q) {
      if (spec.maxDuration > 0 && spec.arrivals[q] >= spec.maxDuration) break;
      const at = start + spec.arrivals[q] * 1000;
      let wait = at - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait - 0.5));
      while (performance.now() < at) { /* spin the last half millisecond */ }
      if (spec.maxOutstanding > 0 && issued - completed >= spec.maxOutstanding) {
        saturated = true;
        stoppedAt = spec.arrivals[q];
        break;
      }
      issued++;
      all.push(query(q, at));  // latency from the scheduled arrival
    }
    await Promise.all(all);
    return { lat, issued, completed, wall: completed ? (lastDone - start) / 1000 : 0, saturated,
      stoppedAt };
  }
  return { lat, issued, completed, wall: completed ? (lastDone - t0) / 1000 : 0 };
}

async function measure(plan) {
  const base = { mode: 'closed', concurrency: 1, spq: plan.samples_per_query,
    sampleCount: plan.sample_count, minQueries: 1, minDuration: 0, maxDuration: 0, arrivals: [] };
  const first = await phase(base);
  let warm = { lat: [] };
  if (plan.warmup_queries > 0)
    warm = await phase({ ...base, concurrency: plan.concurrency, minQueries: plan.warmup_queries });
  const m = await phase({ ...base, mode: plan.mode, concurrency: plan.concurrency,
    minQueries: plan.min_queries, minDuration: plan.min_duration_s,
    maxDuration: plan.max_duration_s, arrivals: plan.arrivals_s,
    maxOutstanding: plan.max_outstanding || 0 });
  return { first_inference_ms: first.lat[0], warmup_ms: warm.lat, latencies_ms: m.lat,
    samples: m.completed * plan.samples_per_query * plan.batch, wall_s: m.wall, issued: m.issued,
    saturated: m.saturated || false, stopped_at_s: m.stoppedAt || 0 };
}

async function handle(req) {
  switch (req.cmd) {
    case 'load': return load(req);
    case 'samples':
      await Promise.all(streams.map((st) => call(st, { cmd: 'samples', files: req.files })));
      return {};
    case 'measure': return { record: await measure(req.plan) };
    case 'infer': {
      const r = await call(streams[0], { cmd: 'infer', inputs: req.inputs, output_dir: req.output_dir });
      return { outputs: r.outputs };
    }
    case 'stats': {
      // VmHWM: this process's own peak (maxRSS would include the spawning parent's peak).
      const m = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      return { peak_rss_mb: m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024 };
    }
    default: throw new Error(`unknown command '${req.cmd}'`);
  }
}

const rl = readline.createInterface({ input: process.stdin });
let chain = Promise.resolve();
rl.on('line', (line) => {
  chain = chain.then(async () => {
    let reply;
    try {
      reply = { ok: true, ...(await handle(JSON.parse(line))) };
    } catch (e) {
      reply = { ok: false, error: String(e && e.message ? e.message : e) };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  });
});
rl.on('close', () => { chain.then(() => process.exit(0)); });
