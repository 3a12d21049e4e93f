/**
 * CloudWatch in Smithy's RPC v2 CBOR protocol, through the real AWS CLI and
 * boto3. botocore 1.43 still picks CloudWatch's JSON protocol (its priority
 * list puts json before smithy-rpc-v2-cbor), so these runs give botocore a
 * copy of CloudWatch's model that lists only RPC v2 CBOR, through
 * AWS_DATA_PATH, botocore's own way of loading models; the CLI's debug log
 * shows the CBOR requests. Then raw requests check the protocol's headers,
 * paths and refusals. Skipped without the aws CLI or botocore.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { decodeCbor, encodeCbor } from '../../src/protocol/cbor.js';
import { CLOUDWATCH_TIMESTAMP_MEMBERS } from '../../src/operations/cloudwatch/timestamp-members.js';
import { clientFor, externalEndpoint, uniqueName } from '../helpers/harness.js';

/**
 * Writes CloudWatch's model, listing RPC v2 CBOR as its only protocol, under
 * the directory given, and prints what the model says about the protocol and
 * its timestamp members.
 */
const MODEL = `
import json, os, sys
from botocore.loaders import create_loader
model = create_loader().load_service_model('cloudwatch', 'service-2')
shapes = model['shapes']
def timestamp(name):
    shape = shapes[name]
    return shape['type'] == 'timestamp' or (shape['type'] == 'list' and shapes[shape['member']['shape']]['type'] == 'timestamp')
kinds = {}
for shape in shapes.values():
    for member, target in shape.get('members', {}).items():
        kinds.setdefault(member, set()).add(timestamp(target['shape']))
protocols = model['metadata'].get('protocols', [])
model['metadata']['protocols'] = ['smithy-rpc-v2-cbor']
model['metadata']['protocol'] = 'smithy-rpc-v2-cbor'
folder = os.path.join(sys.argv[1], 'cloudwatch', model['metadata']['apiVersion'])
os.makedirs(folder)
with open(os.path.join(folder, 'service-2.json'), 'w') as out:
    json.dump(model, out)
print(json.dumps({
    'protocols': protocols,
    'timestamps': sorted(m for m, k in kinds.items() if k == {True}),
    'mixed': sorted(m for m, k in kinds.items() if len(k) > 1),
}))
`;

const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const modelDir = mkdtempSync(join(tmpdir(), 'dynalith-cbor-model-'));
const written = probe.error === undefined ? spawnSync('python3', ['-c', MODEL, modelDir], { encoding: 'utf8' }) : undefined;
const model = written?.status === 0 ? (JSON.parse(written.stdout) as { protocols: string[]; timestamps: string[]; mixed: string[] }) : undefined;
const skip =
  probe.error !== undefined ? 'the aws CLI is not installed'
  : model === undefined ? `botocore's CloudWatch model could not be read: ${written?.stderr ?? ''}`
  : !model.protocols.includes('smithy-rpc-v2-cbor') ? "this botocore's CloudWatch model has no RPC v2 CBOR"
  : externalEndpoint !== undefined;
if (skip !== false) rmSync(modelDir, { recursive: true, force: true });

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command run to its end, asynchronously (the server answering it runs in this process). */
function run(command: string, args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_MAX_ATTEMPTS: '1',
  AWS_CONFIG_FILE: join(modelDir, 'no-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(modelDir, 'no-credentials'),
};
const CBOR = { ...CREDENTIALS, AWS_DATA_PATH: modelDir };

const CBOR_PATH = '/service/GraniteServiceVersion20100801/operation/';
const AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0';

describe('CloudWatch in RPC v2 CBOR', { skip }, () => {
  let server: RunningServer;
  let TableName: string;
  let start: string;
  let end: string;

  const aws = (env: Record<string, string>, ...args: string[]) => run('aws', ['cloudwatch', ...args, '--endpoint-url', server.endpoint, '--output', 'json'], env);

  const post = (path: string, body: Uint8Array | undefined, headers: Record<string, string> = {}) =>
    fetch(server.endpoint + path, {
      method: 'POST',
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor', authorization: AUTHORIZATION, ...headers },
      body: body === undefined ? undefined : new Blob([new Uint8Array(body)]),
    });

  before(async () => {
    server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent' }, createLogger('silent'));
    const ddb = clientFor(server.endpoint);
    TableName = uniqueName('cbor');
    await ddb.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const pk of ['a', 'b', 'c']) await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } }));
    await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    ddb.destroy();
    const now = Date.now();
    start = new Date(now - 10 * 60_000).toISOString();
    end = new Date(now + 2 * 60_000).toISOString();
  });
  after(async () => {
    await server.close();
    rmSync(modelDir, { recursive: true, force: true });
  });

  test("the timestamp members tagged in answers are exactly those of CloudWatch's model", () => {
    assert.deepEqual(model!.mixed, [], 'a member name that is a timestamp in one shape and not in another');
    assert.deepEqual(model!.timestamps, [...CLOUDWATCH_TIMESTAMP_MEMBERS].sort());
  });

  test('aws cloudwatch list-metrics speaks CBOR and finds the metrics of the requests made', async () => {
    const listed = await aws(CBOR, '--debug', 'list-metrics', '--namespace', 'AWS/DynamoDB', '--dimensions', `Name=TableName,Value=${TableName}`);
    assert.equal(listed.status, 0, listed.stderr.slice(-2000));
    assert.match(listed.stderr, new RegExp(`url=${server.endpoint}${CBOR_PATH}ListMetrics`));
    assert.match(listed.stderr, /'Smithy-Protocol': 'rpc-v2-cbor', 'Content-Type': 'application\/cbor'/);
    const { Metrics } = JSON.parse(listed.stdout) as { Metrics: { MetricName: string; Dimensions: { Name: string; Value: string }[] }[] };
    const names = Metrics.map((metric) => metric.MetricName);
    assert.ok(names.includes('ConsumedWriteCapacityUnits'), names.join());
    assert.ok(names.includes('ConsumedReadCapacityUnits'), names.join());
    for (const metric of Metrics) assert.ok(metric.Dimensions.some((d) => d.Name === 'TableName' && d.Value === TableName));
  });

  test('aws cloudwatch get-metric-statistics and get-metric-data add up the writes', async () => {
    const statistics = await aws(CBOR, 'get-metric-statistics', '--namespace', 'AWS/DynamoDB', '--metric-name', 'ConsumedWriteCapacityUnits',
      '--dimensions', `Name=TableName,Value=${TableName}`, '--start-time', start, '--end-time', end, '--period', '60', '--statistics', 'Sum', 'SampleCount');
    assert.equal(statistics.status, 0, statistics.stderr);
    const { Label, Datapoints } = JSON.parse(statistics.stdout) as { Label: string; Datapoints: { Timestamp: number; Sum: number; SampleCount: number; Unit: string }[] };
    assert.equal(Label, 'ConsumedWriteCapacityUnits');
    assert.equal(Datapoints.reduce((sum, point) => sum + point.Sum, 0), 3);
    assert.equal(Datapoints.reduce((sum, point) => sum + point.SampleCount, 0), 3);
    for (const point of Datapoints) {
      assert.equal(point.Unit, 'Count');
      assert.equal(point.Timestamp % 60, 0);
      assert.ok(point.Timestamp * 1000 >= Date.parse(start) && point.Timestamp * 1000 < Date.parse(end));
    }

    const query = [{ Id: 'writes', MetricStat: { Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ConsumedWriteCapacityUnits', Dimensions: [{ Name: 'TableName', Value: TableName }] }, Period: 60, Stat: 'Sum' } }];
    const data = await aws(CBOR, 'get-metric-data', '--metric-data-queries', JSON.stringify(query), '--start-time', start, '--end-time', end);
    assert.equal(data.status, 0, data.stderr);
    const [result] = (JSON.parse(data.stdout) as { MetricDataResults: { Id: string; Timestamps: number[]; Values: number[]; StatusCode: string }[] }).MetricDataResults;
    assert.equal(result!.Id, 'writes');
    assert.equal(result!.StatusCode, 'Complete');
    assert.equal(result!.Values.reduce((a, b) => a + b, 0), 3);
    assert.deepEqual(result!.Timestamps, Datapoints.map((point) => point.Timestamp).sort((a, b) => b - a));
  });

  test("boto3 reads the answers' timestamps as datetimes (tag 1)", async () => {
    const script = `
import json, os, sys, boto3
from datetime import datetime, timedelta, timezone
cw = boto3.client('cloudwatch', endpoint_url=os.environ['ENDPOINT'])
now = datetime.now(timezone.utc)
window = dict(StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(minutes=2))
stats = cw.get_metric_statistics(Namespace='AWS/DynamoDB', MetricName='ConsumedWriteCapacityUnits', Dimensions=[{'Name': 'TableName', 'Value': sys.argv[1]}], Period=60, Statistics=['Sum'], **window)
data = cw.get_metric_data(MetricDataQueries=[{'Id': 'w', 'MetricStat': {'Metric': {'Namespace': 'AWS/DynamoDB', 'MetricName': 'ConsumedWriteCapacityUnits', 'Dimensions': [{'Name': 'TableName', 'Value': sys.argv[1]}]}, 'Period': 60, 'Stat': 'Sum'}}], **window)
print(json.dumps({
    'protocol': cw.meta.service_model.resolved_protocol,
    'sum': sum(p['Sum'] for p in stats['Datapoints']),
    'stamps': sorted({type(p['Timestamp']).__name__ for p in stats['Datapoints']} | {type(t).__name__ for t in data['MetricDataResults'][0]['Timestamps']}),
}))
`;
    const ran = await run('python3', ['-c', script, TableName], { ...CBOR, ENDPOINT: server.endpoint });
    assert.equal(ran.status, 0, ran.stderr);
    assert.deepEqual(JSON.parse(ran.stdout), { protocol: 'smithy-rpc-v2-cbor', sum: 3, stamps: ['datetime'] });
  });

  test('the CLI reports errors by their CloudWatch codes', async () => {
    const reversed = await aws(CBOR, 'get-metric-statistics', '--namespace', 'AWS/DynamoDB', '--metric-name', 'ConsumedWriteCapacityUnits',
      '--start-time', end, '--end-time', start, '--period', '60', '--statistics', 'Sum');
    assert.notEqual(reversed.status, 0);
    assert.match(reversed.stderr, /An error occurred \(InvalidParameterValue\) when calling the GetMetricStatistics operation: The parameter StartTime must be less than the parameter EndTime\./);
    // Dashboards are outside what Dynalith serves of CloudWatch.
    const unknown = await aws(CBOR, 'list-dashboards');
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /An error occurred \(UnknownOperationException\) when calling the ListDashboards operation/);
  });

  test("the CLI as botocore configures itself (JSON today) is answered as before", async () => {
    const listed = await aws(CREDENTIALS, '--debug', 'list-metrics', '--namespace', 'AWS/DynamoDB', '--metric-name', 'ConsumedWriteCapacityUnits');
    assert.equal(listed.status, 0, listed.stderr.slice(-2000));
    assert.match(listed.stderr, /GraniteServiceVersion20100801\.ListMetrics/);
    const { Metrics } = JSON.parse(listed.stdout) as { Metrics: { Dimensions: { Value: string }[] }[] };
    assert.ok(Metrics.some((metric) => metric.Dimensions.some((d) => d.Value === TableName)));
  });

  describe('raw requests', () => {
    const cborOf = async (response: Response) => decodeCbor(new Uint8Array(await response.arrayBuffer())) as Record<string, unknown>;

    test('answers carry the protocol header and CBOR; an empty body is an empty input', async () => {
      const response = await post(`${CBOR_PATH}ListMetrics`, undefined, { 'content-type': '' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('smithy-protocol'), 'rpc-v2-cbor');
      assert.equal(response.headers.get('content-type'), 'application/cbor');
      assert.ok(response.headers.get('x-amzn-requestid'));
      const body = await cborOf(response);
      assert.ok(Array.isArray(body.Metrics) && body.Metrics.length > 0);
    });

    test('timestamps go out tagged, requests may send them tagged, gzip-compressed, under the absolute service id', async () => {
      const request = encodeCbor({
        Namespace: 'AWS/DynamoDB', MetricName: 'ConsumedWriteCapacityUnits', Dimensions: [{ Name: 'TableName', Value: TableName }],
        StartTime: new Date(start), EndTime: new Date(end), Period: 60, Statistics: ['Sum'],
      });
      const response = await post('/service/com.amazonaws.cloudwatch.GraniteServiceVersion20100801/operation/GetMetricStatistics', gzipSync(request), { 'content-encoding': 'gzip' });
      assert.equal(response.status, 200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const key = Buffer.from(encodeCbor('Timestamp'));
      const at = bytes.indexOf(key);
      assert.ok(at > 0);
      assert.equal(bytes[at + key.length], 0xc1, 'tag 1 after the Timestamp key');
      const { Datapoints } = decodeCbor(bytes) as { Datapoints: { Sum: number; Timestamp: number }[] };
      assert.equal(Datapoints.reduce((sum, point) => sum + point.Sum, 0), 3);
    });

    test('malformed CBOR is a 400 SerializationException saying what is wrong', async () => {
      const cases: [string, RegExp][] = [
        ['a2614101', /Unexpected end of CBOR data/],
        ['bbffffffffffffffff', /Unexpected end of CBOR data/],
        ['81'.repeat(10_000) + '00', /nesting deeper than 64 levels/],
        ['a1010203', /not a text string/],
        ['a0a0', /Unexpected data after the CBOR item/],
        ['c2410100', /Unsupported CBOR tag 2/],
      ];
      for (const [bytes, message] of cases) {
        const response = await post(`${CBOR_PATH}ListMetrics`, Buffer.from(bytes, 'hex'));
        assert.equal(response.status, 400, bytes);
        assert.equal(response.headers.get('smithy-protocol'), 'rpc-v2-cbor');
        const body = await cborOf(response);
        assert.equal(body.__type, 'com.amazon.coral.service#SerializationException');
        assert.match(String(body.Message), message);
      }
    });

    test('a CloudWatch error keeps its query error header; an unknown operation is UnknownOperationException', async () => {
      const invalid = await post(`${CBOR_PATH}ListMetrics`, encodeCbor({ NextToken: 'x' }));
      assert.equal(invalid.status, 400);
      assert.equal(invalid.headers.get('x-amzn-query-error'), 'InvalidNextToken;Sender');
      assert.equal((await cborOf(invalid)).__type, 'com.amazonaws.cloudwatch#InvalidNextToken');
      const unknown = await post(`${CBOR_PATH}PutDashboard`, encodeCbor({}));
      assert.equal(unknown.status, 400);
      assert.deepEqual(await cborOf(unknown), { __type: 'com.amazon.coral.service#UnknownOperationException' });
      // A value of a kind the shape does not take: the JSON protocol's answer.
      const wrongKind = await post(`${CBOR_PATH}ListMetrics`, encodeCbor({ Namespace: 5 }));
      assert.equal(wrongKind.status, 400);
      assert.equal((await cborOf(wrongKind)).__type, 'com.amazon.coral.service#SerializationException');
    });

    test('a request with X-Amz-Target is refused, as the spec requires', async () => {
      const response = await post(`${CBOR_PATH}ListMetrics`, encodeCbor({}), { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics' });
      assert.equal(response.status, 400);
      assert.match(String((await cborOf(response)).Message), /must not carry an X-Amz-Target header/);
    });

    test('what the protocol does not claim gets the endpoint 404', async () => {
      const notFound = [
        await post('/service/Nope/operation/ListMetrics', encodeCbor({})),
        // DynamoDB has not opted in.
        await post('/service/DynamoDB_20120810/operation/ListTables', encodeCbor({})),
        await post(`${CBOR_PATH}ListMetrics`, encodeCbor({}), { 'smithy-protocol': 'rpc-v2-json' }),
        await post(`/v1${CBOR_PATH}ListMetrics`, encodeCbor({})),
        await post(`${CBOR_PATH}ListMetrics`, Buffer.from('{}'), { 'content-type': 'application/json' }),
        await fetch(`${server.endpoint}${CBOR_PATH}ListMetrics`, { headers: { 'smithy-protocol': 'rpc-v2-cbor' } }),
      ];
      for (const response of notFound) {
        assert.equal(response.status, 404);
        assert.equal(await response.text(), '<UnknownOperationException/>\n');
      }
    });
  });
});
