'use strict';
// tests/clients/emit_aws_embedded_metrics.js — run the real
// aws-embedded-metrics (awslabs, Node) library in its Lambda mode and let it
// print its EMF documents to stdout, as a Node.js Lambda function would.
//
// stdout carries only two kinds of lines:
//   {"...EMF document..."}          written by the library (ConsoleSink)
//   #invocation <requestId>         written here, before each simulated
//                                   invocation, so that the test can put
//                                   START/END/REPORT lines around the documents
// The library's own diagnostics (if any) go to stderr.
//
// Every value is fixed; only _aws.Timestamp (the library's Date.now()) varies.
// Environment the library reads (node_modules/aws-embedded-metrics/lib):
//   AWS_EMF_ENVIRONMENT=Lambda           config/EnvironmentConfigurationProvider.js
//                                        -> environment/EnvironmentDetector.js override
//   AWS_LAMBDA_FUNCTION_NAME             environment/LambdaEnvironment.js: LogGroup and
//                                        ServiceName default dimensions
//   AWS_EXECUTION_ENV, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_FUNCTION_VERSION,
//   AWS_LAMBDA_LOG_STREAM_NAME           properties executionEnvironment, memorySize,
//                                        functionVersion, logStreamId
//   AWS_EMF_NAMESPACE                    default namespace (else "aws-embedded-metrics")
// and it must not see: AWS_EMF_SERVICE_NAME/SERVICE_NAME, AWS_EMF_SERVICE_TYPE/
// SERVICE_TYPE (would replace the default dimensions), AWS_LAMBDA_LOG_FORMAT
// (JSON switches the sink to a private Console; same output, but keep it
// plain), _X_AMZN_TRACE_ID (adds a traceId property), AWS_EMF_ENABLE_DEBUG_LOGGING.
// The library reads its configuration when it is loaded, so all of this is
// set before require().

const FUNCTION_NAME = process.env.EMF_FUNCTION_NAME || 'orders-emf';
const STREAM = process.env.EMF_LOG_STREAM || '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef';

for (const k of ['AWS_EMF_SERVICE_NAME', 'SERVICE_NAME', 'AWS_EMF_SERVICE_TYPE', 'SERVICE_TYPE',
    'AWS_LAMBDA_LOG_FORMAT', '_X_AMZN_TRACE_ID', 'AWS_EMF_ENABLE_DEBUG_LOGGING', 'AWS_EMF_LOG_GROUP_NAME',
    'AWS_EMF_LOG_STREAM_NAME', 'AWS_EMF_AGENT_ENDPOINT', 'ECS_CONTAINER_METADATA_URI']) {
    delete process.env[k];
}
Object.assign(process.env, {
    AWS_EMF_ENVIRONMENT: 'Lambda',
    AWS_EMF_NAMESPACE: 'ObsTest/EMF',
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_STREAM_NAME: STREAM,
});

const { metricScope, createMetricsLogger, Unit, StorageResolution } = require('aws-embedded-metrics');

function requestId(n) {
    return 'e0000000-0000-4000-8000-' + String(n).padStart(12, '0');
}

// A minimal Lambda "runtime": one invocation at a time, in order.
let invocation = 0;
async function invoke(handler) {
    invocation++;
    const id = requestId(invocation);
    process.stdout.write('#invocation ' + id + '\n');
    await handler({ n: invocation }, { awsRequestId: id, functionName: FUNCTION_NAME });
}

async function main() {
    // 1. plain metrics, library defaults: namespace from AWS_EMF_NAMESPACE,
    //    default dimension set [LogGroup, ServiceName, ServiceType]; a property;
    //    a metric without a unit (None); one metric with two values (array).
    await invoke(metricScope((metrics) => async (event, context) => {
        metrics.setProperty('RequestId', context.awsRequestId);
        metrics.setProperty('Payload', { orderId: 'o-1', items: [1, 2] });
        metrics.putMetric('ProcessingLatency', 100, Unit.Milliseconds);
        metrics.putMetric('ProcessingLatency', 250.5, Unit.Milliseconds);
        metrics.putMetric('Score', 0.93);
        metrics.putMetric('PayloadSize', 2048, Unit.Bytes);
    }));

    // 2. several dimension sets (each merged with the defaults), an explicit
    //    namespace, a high-resolution metric, two flushes in one invocation
    //    (dimensions survive a flush, metrics and properties do not).
    await invoke(metricScope((metrics) => async () => {
        metrics.setNamespace('ObsTest/EMF-Dims');
        metrics.putDimensions({ Operation: 'Aggregator' });
        metrics.putDimensions({ Operation: 'Aggregator', DeviceType: 'Actuator' });
        metrics.setProperty('batch', 'b-17');
        metrics.putMetric('Temperature', 21.5, Unit.None);
        metrics.putMetric('Temperature', -3.25, Unit.None);
        metrics.putMetric('Pressure', 1013.25, Unit.Count, StorageResolution.High);
        await metrics.flush();
        metrics.putMetric('Temperature', 19, Unit.None);
        metrics.putMetric('Pressure', 990, Unit.Count, StorageResolution.High);
    }));

    // 3. setDimensions: a dimension set with no dimensions ([[]]) next to
    //    one with a dimension, defaults dropped; then setDimensions({}) alone.
    await invoke(metricScope((metrics) => async () => {
        metrics.setDimensions([{}, { Operation: 'Batch' }]);
        metrics.putMetric('BatchSize', 42, Unit.Count);
        metrics.putMetric('BatchSize', 8, Unit.Count);
        await metrics.flush();
        metrics.setDimensions({});
        metrics.putMetric('Undimensioned', 7, Unit.Count);
        metrics.putMetric('Undimensioned', 5, Unit.Count);
        await metrics.flush();
        // setDimensions({}, true): keep the defaults as well
        metrics.setDimensions({ Operation: 'Keep' }, true);
        metrics.putMetric('WithDefaults', 1, Unit.Count);
    }));

    // 4. resetDimensions(false): the library then writes "Dimensions": [] —
    //    no dimension set at all (the spec's lenient case: undimensioned).
    await invoke(metricScope((metrics) => async () => {
        metrics.setNamespace('ObsTest/EMF-NoSets');
        metrics.resetDimensions(false);
        metrics.putMetric('NoSets', 3, Unit.Count);
    }));

    // 5. more than 100 metrics and 150 values of one metric in one flush: the
    //    serializer splits them over several documents.
    await invoke(metricScope((metrics) => async () => {
        metrics.setNamespace('ObsTest/EMF-Big');
        metrics.putDimensions({ Shard: 's1' });
        for (let i = 0; i < 120; i++) {
            metrics.putMetric('Gauge' + String(i).padStart(3, '0'), i * 1.5, Unit.Count);
        }
        for (let i = 1; i <= 150; i++) {
            metrics.putMetric('Samples', i, Unit.Milliseconds, StorageResolution.High);
        }
    }));

    // 6. the same metric name with another unit and another resolution in
    //    later invocations: separate series (namespace, name, unit,
    //    resolution, dimensions).
    await invoke(metricScope((metrics) => async () => {
        metrics.putMetric('PayloadSize', 3, Unit.Kilobytes);
        metrics.putMetric('Score', 0.5, Unit.None, StorageResolution.High);
    }));

    // 7. a logger created by hand (createMetricsLogger), flushed explicitly.
    const logger = createMetricsLogger();
    await invoke(async () => {
        logger.setNamespace('ObsTest/EMF');
        logger.putDimensions({ Route: '/orders' });
        logger.putMetric('Requests', 1, Unit.Count);
        logger.putMetric('Requests', 1, Unit.Count);
        logger.putMetric('Requests', 1, Unit.Count);
        await logger.flush();
    });
}

main().catch((e) => {
    process.stderr.write('emit_aws_embedded_metrics: ' + (e && e.stack ? e.stack : e) + '\n');
    process.exit(1);
});
