// The request histogram of /metrics is counted by the server itself
// (request-histogram.ts) and read by prom-client's registry: what /metrics
// prints must be what prom-client's own Histogram prints for the same
// observations — names, help, labels, buckets, sums, order — in the text
// exposition and in the JSON form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry, type Metric, type RegistryContentType } from 'prom-client';
import { RequestHistogram } from '../../src/request-histogram.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const NAME = 'snf_occi_http_request_duration_seconds';
const HELP = 'Time to answer an HTTP request, by method, route template and status';

/** Observations across buckets, on their bounds exactly, above the last, and for several label sets. */
function observations(): Array<[string, string, number, number]> {
  const out: Array<[string, string, number, number]> = [];
  const routes = ['/-/', '/compute/{id}', '/compute/', 'other', 'a "quoted" \\ route\n'];
  const statuses = [200, 404, 503];
  const values = [0, 0.0004, 0.001, 0.00100001, 0.0025, 0.007, 0.3, 1, 2.5, 59.9, 60, 61, 1e-9, 0.1 + 0.2];
  let i = 0;
  for (const route of routes) {
    for (const status of statuses) {
      for (const value of values) {
        out.push([i % 3 === 0 ? 'POST' : 'GET', route, status, value]);
        i++;
      }
    }
  }
  return out;
}

type AnyRegistry = Registry<RegistryContentType>;

function pair(type: RegistryContentType = Registry.PROMETHEUS_CONTENT_TYPE): {
  ours: RequestHistogram;
  theirs: Histogram<'method' | 'route' | 'status'>;
  a: AnyRegistry;
  b: AnyRegistry;
} {
  const a = new Registry() as AnyRegistry;
  a.setContentType(type);
  const ours = new RequestHistogram(NAME, HELP, BUCKETS);
  a.registerMetric(ours as unknown as Metric);
  const b = new Registry() as AnyRegistry;
  b.setContentType(type);
  const theirs = new Histogram({ name: NAME, help: HELP, labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers: [b] });
  return { ours, theirs, a, b };
}

test('the request histogram prints what prom-client prints for the same observations', async () => {
  const { ours, theirs, a, b } = pair();
  assert.equal(await a.metrics(), await b.metrics(), 'nothing observed yet');
  for (const [method, route, status, seconds] of observations()) {
    ours.observe(method, route, status, seconds);
    theirs.labels(method, route, String(status)).observe(seconds);
  }
  const text = await a.metrics();
  assert.equal(text, await b.metrics());
  assert.match(text, /snf_occi_http_request_duration_seconds_bucket\{le="0.001",method="GET",route="\/-\/",status="200"\} \d+/);
  assert.deepEqual(await a.getMetricsAsJSON(), await b.getMetricsAsJSON());
});

test('the OpenMetrics form and a reset match prom-client too', async () => {
  const { ours, theirs, a, b } = pair(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const [method, route, status, seconds] of observations().slice(0, 40)) {
    ours.observe(method, route, status, seconds);
    theirs.labels(method, route, String(status)).observe(seconds);
  }
  assert.equal(await a.metrics(), await b.metrics());
  a.resetMetrics();
  b.resetMetrics();
  ours.observe('GET', '/-/', 200, 0.002);
  theirs.labels('GET', '/-/', '200').observe(0.002);
  assert.equal(await a.metrics(), await b.metrics(), 'after a reset, only what came since');
});
