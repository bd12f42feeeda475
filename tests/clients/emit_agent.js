'use strict';
// tests/clients/emit_agent.js — run the real aws-embedded-metrics (awslabs,
// Node) library in its Agent mode: it sends its EMF documents to the
// CloudWatch agent's endpoint (here obsagent's) over TCP or UDP, one JSON
// document per line, with _aws.LogGroupName and LogStreamName set.
//
//   node emit_agent.js ENDPOINT COUNT INTERVAL_MS
//     ENDPOINT   tcp://127.0.0.1:PORT or udp://127.0.0.1:PORT
//                (AWS_EMF_AGENT_ENDPOINT, sinks/connections/*Client.js)
//
// Document i has dimension Op (sell for even i, buy for odd), metric
// Latency = (7 i mod 100) + 0.5 Milliseconds and property seq = i. For each,
// stdout gets one line {"seq":i,"op":..,"value":..,"ok":true|false,"t":ms}:
// ok is false when the library's flush() failed (the agent was not there).
// The library reads its configuration when loaded: everything is set first.

const [endpoint, countArg, intervalArg] = process.argv.slice(2);
const count = Number(countArg), interval = Number(intervalArg);
if (!endpoint || !(count > 0) || !(interval >= 0)) {
    process.stderr.write('usage: node emit_agent.js ENDPOINT COUNT INTERVAL_MS\n');
    process.exit(2);
}
for (const k of Object.keys(process.env)) {
    if (k.startsWith('AWS_') || k === 'SERVICE_NAME' || k === 'SERVICE_TYPE' || k === 'ECS_CONTAINER_METADATA_URI' ||
        k === 'FLUENT_HOST' || k === '_X_AMZN_TRACE_ID') {
        delete process.env[k];
    }
}
Object.assign(process.env, {
    AWS_EMF_ENVIRONMENT: 'Agent',
    AWS_EMF_AGENT_ENDPOINT: endpoint,
    AWS_EMF_LOG_GROUP_NAME: process.env.EMF_LOG_GROUP || 'agent-test-metrics',
    AWS_EMF_LOG_STREAM_NAME: process.env.EMF_LOG_STREAM || 'agent-test-stream',
    AWS_EMF_NAMESPACE: 'ObsTest/Agent',
    AWS_EMF_SERVICE_NAME: 'agent-test',
    AWS_EMF_SERVICE_TYPE: 'Test',
});

const { createMetricsLogger, Unit } = require('aws-embedded-metrics');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
    for (let i = 0; i < count; i++) {
        const m = createMetricsLogger();
        const op = i % 2 ? 'buy' : 'sell';
        const value = ((i * 7) % 100) + 0.5;
        m.putDimensions({ Op: op });
        m.putMetric('Latency', value, Unit.Milliseconds);
        m.setProperty('seq', i);
        let ok = true;
        try {
            await m.flush();
        } catch (e) {
            ok = false;
        }
        process.stdout.write(JSON.stringify({ seq: i, op, value, ok, t: Date.now() }) + '\n');
        if (interval > 0) await sleep(interval);
    }
    // The UDP client sends without waiting for the datagram to leave: give
    // the last ones time; the TCP client keeps its socket (and the process)
    // alive, hence the exit.
    await sleep(300);
    process.exit(0);
})();
