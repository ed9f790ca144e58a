// A generated day of traces for the many-traces tests: every trace is
//   api GET /checkout ── db SELECT ×2 ── cache GET ── payment charge
// with known slow and failing ones, so each filter's count is known.

const hex = (n, width) => n.toString(16).padStart(width, '0');
const BASE_US = 1_700_000_000_000_000;

/** Plain description of trace `i` (times in µs from its start). */
export function describe(i) {
  const slow = i % 20 === 7; // 25 of 500: the second SELECT takes 400 ms
  const failing = i % 25 === 3; // 20 of 500: the payment fails
  const select1 = 10_000 + (i % 7) * 1000;
  const select2 = slow ? 400_000 : 12_000 + (i % 5) * 1000;
  const cache = 2_000;
  const payment = 20_000 + (i % 13) * 1000;
  const spans = [];
  let t = 1_000;
  const child = (service, op, dur, extra = {}) => {
    spans.push({ service, op, start: t, dur, ...extra });
    t += dur + 500;
  };
  child('db', 'SELECT', select1);
  child('db', 'SELECT', select2);
  child('cache', 'GET', cache);
  child('payment', 'charge', payment, { error: failing });
  const rootDur = t + 1_000;
  spans.unshift({ service: 'api', op: 'GET /checkout', start: 0, dur: rootDur, status: failing ? 500 : 200, region: i % 2 ? 'us' : 'eu' });
  return { i, id: hex(i + 1, 32), start: BASE_US + i * 1_000_000, slow, failing, spans, duration: rootDur };
}

/** A Jaeger file holding `n` traces. */
export function manyTraces(n = 500) {
  const data = [];
  for (let i = 0; i < n; i++) {
    const d = describe(i);
    const spans = d.spans.map((s, k) => {
      const tags = [];
      if (s.status) tags.push({ key: 'http.status_code', type: 'int64', value: s.status }, { key: 'region', type: 'string', value: s.region });
      if (s.error) tags.push({ key: 'error', type: 'bool', value: true });
      return {
        traceID: d.id, spanID: hex(i * 16 + k + 1, 16), operationName: s.op,
        references: k === 0 ? [] : [{ refType: 'CHILD_OF', traceID: d.id, spanID: hex(i * 16 + 1, 16) }],
        startTime: d.start + s.start, duration: s.dur, processID: s.service, tags,
      };
    });
    const processes = {};
    for (const s of ['api', 'db', 'cache', 'payment']) processes[s] = { serviceName: s };
    data.push({ traceID: d.id, spans, processes });
  }
  return JSON.stringify({ data });
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted, p) {
  if (!sorted.length) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
