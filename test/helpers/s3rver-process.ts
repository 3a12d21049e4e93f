/**
 * s3rver in a process of its own, started by s3-server.ts with Node's
 * --openssl-legacy-provider: s3rver makes its ListObjectsV2 continuation
 * tokens with DES, which OpenSSL 3 (Node 17 and later) offers only through
 * the legacy provider, so a listing of more than one page fails without it.
 * Arguments: the folder and the buckets to create. Prints the port, and
 * stops when its standard input closes (its parent exited or stopped it).
 */
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({ port: 0, address: '127.0.0.1', directory: directory!, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
const { port } = await server.run();
process.stdout.write(`port ${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
