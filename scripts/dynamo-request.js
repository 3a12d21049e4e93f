// One DynamoDB JSON request over a keep-alive agent, with as little client
// overhead as possible (latency scripts measure the server, not an SDK).
import { request } from 'node:http';

const AUTH = 'AWS4-HMAC-SHA256 Credential=SCRIPT/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

/** Sends `operation` with `body` to `endpoint` (a URL); resolves with the parsed answer, rejects with its text on a non-200. */
export function dynamoRequest(agent, endpoint, operation, body) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: endpoint.hostname,
        port: endpoint.port,
        method: 'POST',
        path: '/',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': `DynamoDB_20120810.${operation}`,
          Authorization: AUTH,
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 200) resolve(JSON.parse(text));
          else reject(new Error(`${operation}: ${text}`));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
