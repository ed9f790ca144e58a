// A generated set of checkouts for the views over many traces, in OTLP JSON,
// with a planted cause: every tenth checkout has the `feature.flag=new-cart`
// flag and an N+1 (40 `db: SELECT item` under `cart: GetCart`), which makes
// it slow; a few fast checkouts have the flag too. Decoys: `region=eu` on
// every trace, `user.id` and `request.id` unique per trace, `http.method`
// alternating. Every ninth checkout's payment fails.
//
//   frontend GET /checkout (server)
//   ├─ cart GetCart (server)
//   │   ├─ db SELECT item (client) ×3, or ×40 with the flag
//   │   └─ cache GET (client)            every fifth checkout
//   └─ payment charge (server)           error every ninth

const hex = (n, width) => n.toString(16).padStart(width, '0');
const BASE_NS = 1_700_000_000_000_000_000n;
/** Seconds between the starts of two checkouts. */
export const STEP_S = 7;

/** The spans of checkout `i`, times in µs from its start. */
function checkout(i) {
  const slow = i % 10 === 4;
  const flagged = slow || i % 40 === 9;
  const failing = i % 9 === 2;
  const selects = slow ? 40 : 3;
  const spans = [];
  const add = (s) => {
    spans.push({ ...s, id: hex(i * 256 + spans.length + 1, 16) });
    return spans[spans.length - 1];
  };
  const root = add({ service: 'frontend', name: 'GET /checkout', kind: 2, start: 0, dur: 0, attrs: {
    'http.method': i % 2 ? 'GET' : 'POST', 'user.id': `u-${i}`, 'request.id': `r-${i * 7919}`,
    region: 'eu', 'feature.flag': flagged ? 'new-cart' : 'old-cart',
  } });
  const cart = add({ service: 'cart', name: 'GetCart', kind: 2, parent: root.id, start: 1000, dur: 0, attrs: {} });
  let t = cart.start + 500;
  for (let k = 0; k < selects; k++) {
    const dur = 4000 + ((i + k) % 4) * 500;
    add({ service: 'db', name: 'SELECT item', kind: 3, parent: cart.id, start: t, dur, attrs: { 'db.system': 'postgresql' } });
    t += dur + 100;
  }
  if (i % 5 === 0) {
    add({ service: 'cache', name: 'GET', kind: 3, parent: cart.id, start: t, dur: 800, attrs: {} });
    t += 900;
  }
  cart.dur = t - cart.start + 400;
  t = cart.start + cart.dur + 300;
  add({ service: 'payment', name: 'charge', kind: 2, parent: root.id, start: t, dur: 20_000 + (i % 11) * 1000,
    attrs: {}, error: failing });
  t += 20_000 + (i % 11) * 1000 + 500;
  root.dur = t;
  return { start_ns: BASE_NS + BigInt(i) * BigInt(STEP_S) * 1_000_000_000n, id: hex(0xc0ffee000000 + i, 32), spans };
}

const value = (v) => (typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) });

/** An OTLP JSON file of `n` checkouts. */
export function checkouts(n = 240) {
  const resourceSpans = [];
  for (let i = 0; i < n; i++) {
    const c = checkout(i);
    const byService = new Map();
    for (const s of c.spans) {
      const start = c.start_ns + BigInt(s.start) * 1000n;
      const span = {
        traceId: c.id, spanId: s.id, name: s.name, kind: s.kind,
        startTimeUnixNano: String(start), endTimeUnixNano: String(start + BigInt(s.dur) * 1000n),
        attributes: Object.entries(s.attrs).map(([key, v]) => ({ key, value: value(v) })),
        status: s.error ? { code: 2, message: 'card declined' } : {},
      };
      if (s.parent) span.parentSpanId = s.parent;
      if (!byService.has(s.service)) byService.set(s.service, []);
      byService.get(s.service).push(span);
    }
    for (const [service, spans] of byService) {
      resourceSpans.push({
        resource: { attributes: [{ key: 'service.name', value: value(service) }, { key: 'deployment.environment', value: value('prod') }] },
        scopeSpans: [{ scope: { name: 'checkout' }, spans }],
      });
    }
  }
  return JSON.stringify({ resourceSpans });
}
