// Captures what the real OpenTelemetry JS exporters send, as test fixtures for OtlpJson and the
// ingest function. One batch of finished spans goes through four exporters (JSON, protobuf,
// each plain and gzip), so the fixtures describe the very same spans and can be compared exactly.
//
// The SDK is @opentelemetry/sdk-trace 3.x, the successor of sdk-trace-base: the last
// sdk-trace-base (2.12.1) wants @opentelemetry/api < 1.10, the current exporters want >= 1.10.
//
// Run outside the repository so node_modules never lands in it:
//   D=$(mktemp -d) && cp package.json package-lock.json capture-fixtures.mjs "$D" && cd "$D" \
//     && npm ci && node capture-fixtures.mjs <repo>/shared/otlp/src/test/resources/otlp
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { context, createTraceState, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';

const outDir = resolve(process.argv[2] ?? '.');
mkdirSync(outDir, { recursive: true });

// Which file each exporter's request body goes to, keyed by the URL path it posts to.
const targets = {
  '/json': { file: 'js-http-json.json', exporter: 'exporter-trace-otlp-http', compression: 'none' },
  '/proto': { file: 'js-http-proto.bin', exporter: 'exporter-trace-otlp-proto', compression: 'none' },
  '/json-gzip': { file: 'js-http-json.json.gz', exporter: 'exporter-trace-otlp-http', compression: 'gzip' },
  '/proto-gzip': { file: 'js-http-proto.bin.gz', exporter: 'exporter-trace-otlp-proto', compression: 'gzip' },
};
const captured = [];

// A stand-in collector: records the raw body (still compressed, as sent) and the headers, and
// answers 200 with an empty body of the request's own content type.
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    captured.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' });
    res.end();
  });
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const exporters = [
  new JsonExporter({ url: `${base}/json` }),
  new ProtoExporter({ url: `${base}/proto` }),
  new JsonExporter({ url: `${base}/json-gzip`, compression: 'gzip' }),
  new ProtoExporter({ url: `${base}/proto-gzip`, compression: 'gzip' }),
];

// Hands the same batch to every exporter in turn, so all four bodies carry identical spans.
const tee = {
  export(spans, done) {
    (async () => {
      for (const exporter of exporters) {
        const result = await new Promise((ok) => exporter.export(spans, ok));
        if (result.code !== 0) throw result.error ?? new Error('export failed');
      }
    })().then(() => done({ code: 0 }), (error) => done({ code: 1, error }));
  },
  async shutdown() {
    await Promise.all(exporters.map((e) => e.shutdown()));
  },
  async forceFlush() {},
};

const resource = defaultResource().merge(
  resourceFromAttributes(
    {
      'service.name': 'checkout',
      'service.version': '2.7.1',
      'service.namespace': 'shop',
      'deployment.environment.name': 'staging',
      'host.name': 'checkout-7f9c',
      'process.pid': 4242,
    },
    { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
  ),
);
const provider = new TracerProvider({
  resource,
  // A small per-event limit so that one event reports droppedAttributesCount = 1.
  spanLimits: { attributePerEventCountLimit: 4 },
  // sdk-trace 3.x takes the exporter inside the options object.
  spanProcessors: [new BatchSpanProcessor({ exporter: tee, scheduledDelayMillis: 60_000 })],
});
const http = provider.getTracer('checkout-http', '1.4.2', { schemaUrl: 'https://opentelemetry.io/schemas/1.24.0' });
const payments = provider.getTracer('checkout-payments', '0.9.0');

// No context manager is registered: parents are passed explicitly as contexts.
const child = (parent) => trace.setSpan(context.active(), parent);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// An earlier span in another trace (a cart update put on a queue); the checkout links to it.
const enqueue = http.startSpan('cart-updated publish', { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka' } });
await sleep(2);
enqueue.end();
const linkedContext = { ...enqueue.spanContext(), traceState: createTraceState('vendor1=opaque1,congo=t61rcWkgMzE') };

const root = http.startSpan('POST /checkout', {
  kind: SpanKind.SERVER,
  attributes: {
    'http.request.method': 'POST',
    'url.path': '/checkout',
    'http.response.status_code': 502,
    'checkout.express': true,
    'checkout.total': 123.45,
    'checkout.item_ids': ['sku-1', 'sku-22', 'sku-333'],
    'checkout.quantities': [1, 2, 30],
    'checkout.gift_flags': [true, false, true],
    'checkout.prices': [9.99, 0.5, 100.25],
    // Beyond 32 bits: JS integers become intValue (int64).
    'checkout.big_count': 4294967296,
  },
  links: [{ context: linkedContext, attributes: { 'link.reason': 'caused-by', 'link.batch': 7 } }],
});
root.addEvent('cart loaded', { 'cart.items': 3, 'cart.currency': 'EUR' });

const inventory = http.startSpan('GET /inventory', { kind: SpanKind.CLIENT, attributes: { 'server.address': 'inventory', 'server.port': 8080 } }, child(root));
await sleep(3);
inventory.setStatus({ code: SpanStatusCode.OK });
inventory.end();

const total = http.startSpan('compute-total', { kind: SpanKind.INTERNAL, attributes: { 'checkout.discount': 0.1 } }, child(root));
total.addEvent('discount applied', { code: 'WELCOME10', percent: 12.5, stacked: false, rounds: 1, extra: 'dropped by the limit' });
await sleep(1);
total.end();

const charge = payments.startSpan('charge card', { kind: SpanKind.CLIENT, attributes: { 'payment.provider': 'acme-pay', 'payment.retries': 2 } }, child(root));
await sleep(4);
charge.recordException(Object.assign(new Error('card declined'), { name: 'PaymentDeclinedError' }));
charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined by issuer' });
charge.end();

root.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
root.end();

await provider.forceFlush();
await provider.shutdown();
server.close();

// Read straight from node_modules: some packages do not export their package.json.
const version = (name) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
const notes = [
  '# What the OpenTelemetry JS exporters sent when capture-fixtures.mjs captured these fixtures.',
  '# All four bodies carry the same batch of spans (one export() call per exporter).',
  `node ${process.version}`,
];
for (const name of ['@opentelemetry/api', '@opentelemetry/sdk-trace', '@opentelemetry/resources',
  '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/exporter-trace-otlp-proto']) {
  notes.push(`${name} ${version(name)}`);
}
for (const [path, target] of Object.entries(targets)) {
  const hits = captured.filter((c) => c.path === path);
  if (hits.length !== 1) throw new Error(`${path}: expected one request, got ${hits.length}`);
  const { headers, body } = hits[0];
  writeFileSync(join(outDir, target.file), body);
  notes.push(
    '',
    `${target.file}: ${target.exporter}, compression ${target.compression}, ${body.length} bytes as sent`,
    `  content-type: ${headers['content-type'] ?? '(none)'}`,
    `  content-encoding: ${headers['content-encoding'] ?? '(none)'}`,
    `  content-length: ${headers['content-length'] ?? '(none)'}`,
    `  transfer-encoding: ${headers['transfer-encoding'] ?? '(none)'}`,
    `  user-agent: ${headers['user-agent'] ?? '(none)'}`,
  );
}
writeFileSync(join(outDir, 'js-capture-headers.txt'), notes.join('\n') + '\n');
console.log(`captured ${captured.length} requests into ${outDir}`);
