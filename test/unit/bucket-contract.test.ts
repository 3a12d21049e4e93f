/**
 * One contract for every ObjectBucket: the same tests run against folder
 * buckets (--s3-dir) and against buckets of a real S3-compatible endpoint
 * (s3rver behind a SigV4-verifying front, test/helpers/s3-server.ts), so
 * exports and imports can rely on the same behaviour from both. What only
 * one of them can show (credentials, an endpoint that is down) is skipped,
 * with the reason, for the other.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server as NetServer, type AddressInfo } from 'node:net';
import { randomBytes, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketError, type BucketErrorCode, type Buckets } from '../../src/features/s3/bucket.js';
import { FolderBuckets } from '../../src/features/s3/folder-bucket.js';
import { S3Buckets } from '../../src/features/s3/s3-bucket.js';
import { S3RVER_CREDENTIALS, startS3Server } from '../helpers/s3-server.js';

const BUCKET = 'contract-bucket';

interface Subject {
  readonly buckets: Buckets;
  /** Buckets that only fail: with wrong credentials, an endpoint that refuses connections, one that never answers. */
  readonly wrongSecret?: Buckets;
  readonly unknownAccessKey?: Buckets;
  readonly down?: Buckets;
  readonly silent?: Buckets;
  stop(): Promise<void>;
}

async function listeningThenClosedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const IMPLEMENTATIONS: Record<string, () => Promise<Subject>> = {
  async folder() {
    const root = mkdtempSync(join(tmpdir(), 'dynalith-folder-buckets-'));
    mkdirSync(join(root, BUCKET));
    return { buckets: new FolderBuckets(root), stop: async () => rmSync(root, { recursive: true, force: true }) };
  },
  async 's3 endpoint'() {
    const server = await startS3Server([BUCKET]);
    const at = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string } = S3RVER_CREDENTIALS, timeoutMs?: number) =>
      new S3Buckets({ endpoint, region: 'us-east-1', credentials, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    // Accepts connections and never answers: a hung endpoint.
    const silentServer: NetServer = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const all = {
      buckets: at(server.endpoint),
      wrongSecret: at(server.endpoint, { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' }),
      unknownAccessKey: at(server.endpoint, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'S3RVER' }),
      down: at(`http://127.0.0.1:${await listeningThenClosedPort()}`),
      silent: at(`http://127.0.0.1:${(silentServer.address() as AddressInfo).port}`, S3RVER_CREDENTIALS, 300),
    };
    return {
      ...all,
      async stop() {
        for (const buckets of [all.buckets, all.wrongSecret, all.unknownAccessKey, all.down, all.silent]) buckets.close();
        silentServer.close();
        await server.stop();
      },
    };
  },
};

async function failure(promise: Promise<unknown>): Promise<BucketError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof BucketError, `expected a BucketError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

async function assertCode(promise: Promise<unknown>, code: BucketErrorCode, message?: RegExp): Promise<void> {
  const error = await failure(promise);
  assert.equal(error.code, code, error.message);
  if (message !== undefined) assert.match(error.message, message);
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

for (const [implementation, start] of Object.entries(IMPLEMENTATIONS)) {
  describe(`bucket contract [${implementation}]`, () => {
    let subject: Subject;
    before(async () => {
      subject = await start();
    });
    after(() => subject.stop());
    const bucket = () => subject.buckets.open(BUCKET);

    test('an existing bucket passes check()', async () => {
      await bucket().check();
    });

    test('put then get gives the same bytes, text and binary alike; a second put replaces the first', async () => {
      const binary = new Uint8Array(512).map((_, i) => i % 256);
      await bucket().put('round/text.json', Buffer.from('{"a":1}\n'));
      await bucket().put('round/binary.bin', binary);
      assert.equal(Buffer.from(await bucket().get('round/text.json')).toString(), '{"a":1}\n');
      assert.deepEqual(new Uint8Array(await bucket().get('round/binary.bin')), binary);
      await bucket().put('round/text.json', Buffer.from('replaced'));
      assert.equal(Buffer.from(await bucket().get('round/text.json')).toString(), 'replaced');
      await bucket().put('round/empty', new Uint8Array(0));
      assert.equal((await bucket().get('round/empty')).byteLength, 0);
    });

    test('a 20 MB object makes the round trip whole', async () => {
      const big = randomBytes(20 * 1024 * 1024);
      await bucket().put('big/object.bin', big);
      const back = await bucket().get('big/object.bin');
      assert.equal(back.byteLength, big.byteLength);
      assert.equal(sha(back), sha(big));
      assert.deepEqual(await bucket().list('big/'), [{ key: 'big/object.bin', size: big.byteLength }]);
      // Streamed, it comes in more than one piece (an endpoint's ranged reads are 8 MB) and whole.
      const pieces: Uint8Array[] = [];
      for await (const piece of bucket().stream('big/object.bin')) pieces.push(piece);
      assert.ok(pieces.length > 1, `${pieces.length} pieces`);
      assert.equal(sha(Buffer.concat(pieces)), sha(big));
    });

    test('stream() reads an empty object as nothing and a missing one as NoSuchKey', async () => {
      await bucket().put('streamed/empty', new Uint8Array(0));
      const pieces: Uint8Array[] = [];
      for await (const piece of bucket().stream('streamed/empty')) pieces.push(piece);
      assert.equal(Buffer.concat(pieces).length, 0);
      const drain = async () => {
        for await (const _ of bucket().stream('streamed/missing')) void _;
      };
      await assertCode(drain(), 'NoSuchKey');
    });

    test('list(prefix) gives the keys starting with the prefix, in key order, with their sizes', async () => {
      const keys = ['pre/a/1', 'pre/a/2.json', 'pre/a/b/3', 'pre/ab/4', 'pre/b/5', 'pre/a-dash'];
      for (const [i, key] of keys.entries()) await bucket().put(key, Buffer.alloc(i + 1, 'x'));
      const size = (key: string) => keys.indexOf(key) + 1;
      const listed = async (prefix: string) => (await bucket().list(prefix)).map(({ key }) => key);
      assert.deepEqual(await listed('pre/a/'), ['pre/a/1', 'pre/a/2.json', 'pre/a/b/3']);
      assert.deepEqual(await listed('pre/a'), ['pre/a-dash', 'pre/a/1', 'pre/a/2.json', 'pre/a/b/3', 'pre/ab/4']);
      assert.deepEqual(await listed('pre/a/2'), ['pre/a/2.json']);
      assert.deepEqual(await listed('pre/nothing'), []);
      assert.deepEqual(await bucket().list('pre/b'), [{ key: 'pre/b/5', size: size('pre/b/5') }]);
      const all = await listed('');
      for (const key of keys) assert.ok(all.includes(key), key);
    });

    test('keys with spaces, unicode, +, &, %, = and XML characters are stored, read and listed as they are', async () => {
      const keys = [
        'odd/with space/a b.json',
        'odd/unicode/grüße-€-日本-😀.json',
        'odd/plus/a+b+c.json',
        'odd/amp/a&b&amp;c.json',
        "odd/xml/<tag> \"quoted\" 'single'.json",
        'odd/percent/100%25 50%.json',
        'odd/query/a=b?c#d;e,f:g@h$i!j(k)l*m.json',
        'odd/tilde/~user_name-x.y',
      ];
      for (const key of keys) await bucket().put(key, Buffer.from(key));
      for (const key of keys) assert.equal(Buffer.from(await bucket().get(key)).toString(), key);
      const listed = await bucket().list('odd/');
      assert.deepEqual(
        listed.map(({ key }) => key).sort(),
        [...keys].sort(),
      );
      for (const { key, size } of listed) assert.equal(size, Buffer.byteLength(key));
      assert.deepEqual(
        (await bucket().list('odd/with space/')).map(({ key }) => key),
        ['odd/with space/a b.json'],
      );
    });

    test('list goes past 1,000 objects (ListObjectsV2 pages)', async () => {
      const keys = Array.from({ length: 1_010 }, (_, i) => `many/${String(i).padStart(5, '0')}.json`);
      for (let i = 0; i < keys.length; i += 25) {
        await Promise.all(keys.slice(i, i + 25).map((key) => bucket().put(key, Buffer.from(key))));
      }
      const listed = await bucket().list('many/');
      assert.equal(listed.length, keys.length);
      assert.deepEqual(
        listed.map(({ key }) => key),
        keys,
      );
    });

    test('a missing bucket fails with NoSuchBucket in every call; so does a name S3 would refuse', async () => {
      const missing = subject.buckets.open('no-such-bucket');
      await assertCode(missing.check(), 'NoSuchBucket');
      await assertCode(missing.put('k', Buffer.from('x')), 'NoSuchBucket');
      await assertCode(missing.get('k'), 'NoSuchBucket');
      await assertCode(missing.list(''), 'NoSuchBucket');
      await assertCode(subject.buckets.open('Not_A_Bucket').check(), 'NoSuchBucket');
    });

    test('a missing key fails with NoSuchKey', async () => {
      await assertCode(bucket().get('no/such/key.json'), 'NoSuchKey');
    });

    test('wrong credentials fail with AccessDenied and S3\'s message', { skip: implementation === 'folder' && 'a folder has no credentials' }, async () => {
      const wrongSecret = subject.wrongSecret!.open(BUCKET);
      await assertCode(wrongSecret.check(), 'AccessDenied');
      await assertCode(wrongSecret.put('denied.json', Buffer.from('x')), 'AccessDenied', /signature we calculated does not match/);
      await assertCode(wrongSecret.get('round/text.json'), 'AccessDenied', /signature/);
      await assertCode(wrongSecret.list(''), 'AccessDenied', /signature/);
      await assertCode(subject.unknownAccessKey!.open(BUCKET).get('round/text.json'), 'AccessDenied', /Access Key Id you provided does not exist/);
      await assertCode(bucket().get('denied.json'), 'NoSuchKey');
    });

    test('an endpoint that refuses connections, or never answers, is Unavailable', { skip: implementation === 'folder' && 'a folder has no endpoint' }, async () => {
      await assertCode(subject.down!.open(BUCKET).check(), 'Unavailable', /ECONNREFUSED/);
      await assertCode(subject.down!.open(BUCKET).put('k', Buffer.from('x')), 'Unavailable');
      await assertCode(subject.silent!.open(BUCKET).get('k'), 'Unavailable', /no answer within 300 ms/);
    });
  });
}
