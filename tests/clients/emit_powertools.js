'use strict';
// tests/clients/emit_powertools.js — run the real Powertools for AWS Lambda
// (TypeScript) Metrics utility as a Lambda function would, and let it print
// its EMF documents to stdout.
//
// stdout carries only two kinds of lines:
//   {"...EMF document..."}          written by the library
//   #invocation <requestId>         written here, before each simulated
//                                   invocation (the test turns these into
//                                   START/END/REPORT lines)
// The library's warnings go to stderr.
//
// Every value is fixed; only _aws.Timestamp (the library's Date.now()) varies.
// Environment the library reads (node_modules/@aws-lambda-powertools/*/lib/cjs):
//   AWS_LAMBDA_INITIALIZATION_TYPE=on-demand  commons Utility.js: without it
//                                   getColdStart() is always false and no
//                                   ColdStart metric is ever written
//   POWERTOOLS_METRICS_NAMESPACE    Metrics.setEnvConfig (else "default_namespace")
//   POWERTOOLS_SERVICE_NAME         the "service" default dimension (else
//                                   "service_undefined")
// and it must not see: POWERTOOLS_DEV (dev mode: uses the global console and
// *disables* metrics), POWERTOOLS_METRICS_DISABLED, POWERTOOLS_METRICS_FUNCTION_NAME
// (would replace the function_name taken from the Lambda context).
// The metrics are written with a private Console on process.stdout (not the
// runtime's patched console.log), i.e. raw lines in a real Lambda.
// LAMBDA_TASK_ROOT and AWS_LAMBDA_FUNCTION_NAME are not read by the Metrics
// utility; they are set anyway so the process looks like a Lambda one.

const FUNCTION_NAME = process.env.PT_FUNCTION_NAME || 'orders-powertools';

for (const k of ['POWERTOOLS_DEV', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_METRICS_FUNCTION_NAME',
    'AWS_LAMBDA_LOG_FORMAT', '_X_AMZN_TRACE_ID']) {
    delete process.env[k];
}
Object.assign(process.env, {
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    POWERTOOLS_METRICS_NAMESPACE: 'ObsTest/Powertools',
    POWERTOOLS_SERVICE_NAME: 'orders',
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    LAMBDA_TASK_ROOT: '/var/task',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
});

const { Metrics, MetricUnit, MetricResolution } = require('@aws-lambda-powertools/metrics');

function requestId(n) {
    return 'b0000000-0000-4000-8000-' + String(n).padStart(12, '0');
}

const metrics = new Metrics(); // namespace and service from the environment

// The class-method decorator (what `@metrics.logMetrics({...})` compiles to),
// applied by hand: captures ColdStart on the first invocation and publishes
// the stored metrics after the handler returns or throws.
function wrap(fn) {
    const descriptor = metrics.logMetrics({ captureColdStartMetric: true })(undefined, 'handler', { value: fn });
    return descriptor.value;
}

// A minimal Lambda "runtime": one invocation at a time, in order.
let invocation = 0;
async function invoke(handler) {
    invocation++;
    const id = requestId(invocation);
    process.stdout.write('#invocation ' + id + '\n');
    try {
        await handler({ n: invocation }, { awsRequestId: id, functionName: FUNCTION_NAME });
    } catch (e) {
        if (!(e && e.message === 'expected failure')) throw e;
    }
}

async function main() {
    // 1. cold start: ColdStart (own document, [function_name, service]);
    //    two dimension sets next to the default one; metadata (properties);
    //    a high-resolution metric; one metric with two values.
    await invoke(wrap(async () => {
        metrics.addDimension('environment', 'prod');
        metrics.addDimensions({ region: 'eu-west-1', tier: 'gold' });
        metrics.addMetadata('orderId', 'o-42');
        metrics.addMetadata('cart', { items: 3, total: 59.97 });
        metrics.addMetric('SuccessfulBooking', MetricUnit.Count, 1);
        metrics.addMetric('SuccessfulBooking', MetricUnit.Count, 2);
        metrics.addMetric('BookingLatency', MetricUnit.Milliseconds, 87.5, MetricResolution.High);
        metrics.addMetric('CartValue', MetricUnit.NoUnit, 19.99);
    }));

    // 2. warm: more than 100 metrics (auto-flush of a full document when the
    //    101st is added) and 150 values of one metric (auto-flush at 100
    //    values); a flush clears the request dimensions, so only the first
    //    document carries `batch`.
    await invoke(wrap(async () => {
        metrics.addDimension('batch', 'b-7');
        for (let i = 0; i < 120; i++) {
            metrics.addMetric('Counter' + String(i).padStart(3, '0'), MetricUnit.Count, i + 0.25);
        }
        for (let i = 1; i <= 150; i++) {
            metrics.addMetric('Items', MetricUnit.Count, i * 2, MetricResolution.High);
        }
        metrics.addMetric('BatchBytes', MetricUnit.KilobytesPerSecond, 512);
    }));

    // 3. singleMetric(): a metric with its own dimension, flushed at once;
    //    a stored metric with another unit than in invocation 1 (new series).
    await invoke(wrap(async () => {
        const single = metrics.singleMetric();
        single.addDimension('channel', 'web');
        single.addMetric('Checkout', MetricUnit.Count, 1);
        metrics.addMetric('BookingLatency', MetricUnit.Seconds, 0.0875);
    }));

    // 4. Powertools' way to publish without any dimension: an instance whose
    //    default dimensions (service) are cleared writes "Dimensions": [].
    await invoke(wrap(async () => {
        const bare = new Metrics({ namespace: 'ObsTest/Powertools-Bare' });
        bare.clearDefaultDimensions();
        bare.addMetric('Undimensioned', MetricUnit.Count, 4);
        bare.addMetric('Undimensioned', MetricUnit.Count, 6);
        bare.publishStoredMetrics();
        metrics.addMetric('SuccessfulBooking', MetricUnit.Count, 1);
    }));

    // 5. the handler throws: the decorator still publishes in `finally`.
    await invoke(wrap(async () => {
        metrics.addMetric('FailedBooking', MetricUnit.Count, 1);
        throw new Error('expected failure');
    }));
}

main().catch((e) => {
    process.stderr.write('emit_powertools: ' + (e && e.stack ? e.stack : e) + '\n');
    process.exit(1);
});
