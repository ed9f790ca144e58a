// Writes a 100k-span OTLP trace full of N+1s for the grouping benchmark: a
// root whose 1,000 children alternate `GET /item` and `auth: check`; each
// `GET /item` runs 196 `SELECT row` queries one after another, then a render.
// Grouped, its 99,501 rows fold to 2,001.
// usage: node bench/nplus1.mjs OUT
import fs from 'node:fs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node bench/nplus1.mjs OUT');
  process.exit(2);
}
const T0 = 1_700_000_000_000_000_000n;
const hex = (i) => i.toString(16).padStart(16, '0');
const trace = '000000000000000000000000000e1001';
const byService = { api: [], db: [], auth: [] };
let next = 1;
const span = (service, parent, name, startUs, durUs) => {
  const id = next++;
  byService[service].push({
    traceId: trace, spanId: hex(id), parentSpanId: parent ? hex(parent) : '', name, kind: 1,
    startTimeUnixNano: String(T0 + BigInt(startUs) * 1000n), endTimeUnixNano: String(T0 + BigInt(startUs + durUs) * 1000n),
    attributes: [],
  });
  return id;
};
const root = span('api', 0, 'GET /cart', 0, 100_000_000);
for (let i = 0; i < 500; i++) {
  const at = i * 200_000;
  const item = span('api', root, 'GET /item', at, 199_000);
  for (let q = 0; q < 196; q++) span('db', item, 'SELECT row', at + q * 1_000, 500 + (q % 7) * 50);
  span('api', item, 'render', at + 197_000, 1_000);
  span('auth', root, 'check', at + 199_500, 400);
}
fs.writeFileSync(out, JSON.stringify({
  resourceSpans: Object.entries(byService).map(([service, spans]) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [{ spans }],
  })),
}));
console.log(`wrote ${out}: ${next - 1} spans`);
