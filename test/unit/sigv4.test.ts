/**
 * The SigV4 signer against AWS's published examples: cases of the Signature
 * Version 4 test suite (credentials AKIDEXAMPLE, us-east-1, service
 * "service", 2015-08-30T12:36:00Z: canonical request, string to sign and
 * signature as AWS published them) and the worked examples of S3's
 * "Signature Calculations for the Authorization Header" page (S3 signs
 * the path as sent, without normalising it).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_PAYLOAD_HASH,
  canonicalRequest,
  canonicalUri,
  encodePath,
  sha256Hex,
  sign,
  signingKey,
  stringToSign,
  type RequestToSign,
} from '../../src/protocol/sigv4.js';

const SUITE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_SCOPE = { region: 'us-east-1', service: 'service' };
const SUITE_DATE = new Date('2015-08-30T12:36:00Z');
const HOST: [string, string] = ['Host', 'example.amazonaws.com'];
const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface SuiteCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly query?: [string, string][];
  readonly headers?: [string, string][];
  readonly canonical: string;
  readonly stringToSignHash: string;
  readonly signature: string;
}

/** The canonical request's last lines when only Host and X-Amz-Date are signed. */
const PLAIN_TAIL = 'host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' + EMPTY_PAYLOAD_HASH;

const SUITE: readonly SuiteCase[] = [
  {
    name: 'get-vanilla',
    method: 'GET',
    path: '/',
    canonical: `GET\n/\n\n${PLAIN_TAIL}`,
    stringToSignHash: 'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'get-vanilla-empty-query-key',
    method: 'GET',
    path: '/',
    query: [['Param1', 'value1']],
    canonical: `GET\n/\nParam1=value1\n${PLAIN_TAIL}`,
    stringToSignHash: '1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab',
    signature: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
  },
  {
    name: 'get-vanilla-query-order-key',
    method: 'GET',
    path: '/',
    query: [
      ['Param1', 'value2'],
      ['Param1', 'Value1'],
    ],
    canonical: `GET\n/\nParam1=Value1&Param1=value2\n${PLAIN_TAIL}`,
    stringToSignHash: '704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89',
    signature: 'eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1',
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    path: '/',
    query: [
      ['Param2', 'value2'],
      ['Param1', 'value1'],
    ],
    canonical: `GET\n/\nParam1=value1&Param2=value2\n${PLAIN_TAIL}`,
    stringToSignHash: '816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    path: '/',
    query: [[UNRESERVED, UNRESERVED]],
    canonical: `GET\n/\n${UNRESERVED}=${UNRESERVED}\n${PLAIN_TAIL}`,
    stringToSignHash: 'c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177',
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    path: '/',
    query: [['\u1234', 'bar']],
    canonical: `GET\n/\n%E1%88%B4=bar\n${PLAIN_TAIL}`,
    stringToSignHash: 'eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073',
    signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
  },
  {
    name: 'get-unreserved',
    method: 'GET',
    path: `/${UNRESERVED}`,
    canonical: `GET\n/${UNRESERVED}\n\n${PLAIN_TAIL}`,
    stringToSignHash: '6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9',
    signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
  },
  {
    name: 'get-header-key-duplicate',
    method: 'GET',
    path: '/',
    headers: [
      ['My-Header1', 'value2'],
      ['My-Header1', 'value2'],
      ['My-Header1', 'value1'],
    ],
    canonical: `GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n${EMPTY_PAYLOAD_HASH}`,
    stringToSignHash: 'dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c',
    signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    path: '/',
    headers: [
      ['My-Header1', 'value1'],
      ['My-Header2', '"a   b   c"'],
    ],
    canonical: `GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:"a b c"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n${EMPTY_PAYLOAD_HASH}`,
    stringToSignHash: 'a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'post-header-key-sort',
    method: 'POST',
    path: '/',
    headers: [['My-Header1', 'value1']],
    canonical: `POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n${EMPTY_PAYLOAD_HASH}`,
    stringToSignHash: '9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65',
    signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
  },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    path: '/',
    query: [['Param1', 'value1']],
    canonical: `POST\n/\nParam1=value1\n${PLAIN_TAIL}`,
    stringToSignHash: '9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
];

function suiteRequest(entry: SuiteCase): RequestToSign {
  return {
    method: entry.method,
    path: entry.path,
    query: entry.query ?? [],
    headers: [HOST, ...(entry.headers ?? [])],
    payloadHash: EMPTY_PAYLOAD_HASH,
  };
}

describe('SigV4: AWS test suite', () => {
  for (const entry of SUITE) {
    test(entry.name, () => {
      const request = suiteRequest(entry);
      const withDate = { ...request, headers: [...request.headers, ['X-Amz-Date', '20150830T123600Z'] as [string, string]] };
      assert.equal(canonicalRequest(withDate, SUITE_SCOPE.service), entry.canonical);
      const toSign = stringToSign('20150830T123600Z', SUITE_SCOPE, entry.canonical).split('\n');
      assert.deepEqual(toSign, ['AWS4-HMAC-SHA256', '20150830T123600Z', '20150830/us-east-1/service/aws4_request', entry.stringToSignHash]);
      const signed = sign(request, SUITE_CREDENTIALS, SUITE_SCOPE, SUITE_DATE);
      assert.equal(signed['x-amz-date'], '20150830T123600Z');
      const signedNames = entry.canonical.split('\n').at(-2);
      assert.equal(
        signed.authorization,
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedNames}, Signature=${entry.signature}`,
      );
    });
  }

  // The suite's normalize-path cases: the canonical URI of a path with dot segments and repeated slashes.
  test('paths are normalised and encoded once more for services other than S3', () => {
    assert.equal(canonicalUri('/example/..', 'service'), '/');
    assert.equal(canonicalUri('/example1/example2/../..', 'service'), '/');
    assert.equal(canonicalUri('//', 'service'), '/');
    assert.equal(canonicalUri('/./', 'service'), '/');
    assert.equal(canonicalUri('/./example', 'service'), '/example');
    assert.equal(canonicalUri('//example//', 'service'), '/example/');
    assert.equal(canonicalUri('/example space/', 'service'), '/example%20space/');
    assert.equal(canonicalUri('/%41', 'service'), '/%2541');
  });

  test('temporary credentials sign their session token', () => {
    const request = suiteRequest(SUITE[0]!);
    const plain = sign(request, SUITE_CREDENTIALS, SUITE_SCOPE, SUITE_DATE);
    const temporary = sign(request, { ...SUITE_CREDENTIALS, sessionToken: 'token/+=' }, SUITE_SCOPE, SUITE_DATE);
    assert.equal(temporary['x-amz-security-token'], 'token/+=');
    assert.match(temporary.authorization, /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
    assert.notEqual(temporary.authorization, plain.authorization);
  });

  test('signing keys are derived per day, region and service', () => {
    const key = signingKey(SUITE_CREDENTIALS.secretAccessKey, '20150830', SUITE_SCOPE);
    assert.equal(signingKey(SUITE_CREDENTIALS.secretAccessKey, '20150830', SUITE_SCOPE), key);
    assert.notDeepEqual(signingKey(SUITE_CREDENTIALS.secretAccessKey, '20150831', SUITE_SCOPE), key);
    assert.notDeepEqual(signingKey(SUITE_CREDENTIALS.secretAccessKey, '20150830', { ...SUITE_SCOPE, region: 'eu-west-1' }), key);
    assert.notDeepEqual(signingKey(SUITE_CREDENTIALS.secretAccessKey, '20150830', { ...SUITE_SCOPE, service: 's3' }), key);
  });
});

describe('SigV4: S3 examples', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const scope = { region: 'us-east-1', service: 's3' };
  const date = new Date('2013-05-24T00:00:00Z');
  const host: [string, string] = ['Host', 'examplebucket.s3.amazonaws.com'];

  test('GET Object', () => {
    const signed = sign(
      { method: 'GET', path: '/test.txt', headers: [host, ['Range', 'bytes=0-9'], ['x-amz-content-sha256', EMPTY_PAYLOAD_HASH]], payloadHash: EMPTY_PAYLOAD_HASH },
      credentials,
      scope,
      date,
    );
    assert.equal(
      signed.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  test('PUT Object: a key with $, encoded once', () => {
    const body = 'Welcome to Amazon S3.';
    const payloadHash = sha256Hex(body);
    assert.equal(payloadHash, '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    const path = encodePath('/test$file.text');
    assert.equal(path, '/test%24file.text');
    const signed = sign(
      {
        method: 'PUT',
        path,
        headers: [host, ['Date', 'Fri, 24 May 2013 00:00:00 GMT'], ['x-amz-storage-class', 'REDUCED_REDUNDANCY'], ['x-amz-content-sha256', payloadHash]],
        payloadHash,
      },
      credentials,
      scope,
      date,
    );
    assert.match(signed.authorization, /SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd$/);
  });

  test('GET Bucket (List Objects): query parameters', () => {
    const signed = sign(
      {
        method: 'GET',
        path: '/',
        query: [
          ['max-keys', '2'],
          ['prefix', 'J'],
        ],
        headers: [host, ['x-amz-content-sha256', EMPTY_PAYLOAD_HASH]],
        payloadHash: EMPTY_PAYLOAD_HASH,
      },
      credentials,
      scope,
      date,
    );
    assert.match(signed.authorization, /Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/);
  });

  test('S3 paths are signed as sent: no normalisation, no second encoding', () => {
    assert.equal(canonicalUri('/bucket/a//b/../c%20d', 's3'), '/bucket/a//b/../c%20d');
    assert.equal(encodePath('/b/a b+c&d/é'), '/b/a%20b%2Bc%26d/%C3%A9');
  });
});
