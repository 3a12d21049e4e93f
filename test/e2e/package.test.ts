/**
 * The package as npm gives it to a user (issue 19, packaging): `npm pack`
 * holds only the runtime files, and the tarball installs into an empty
 * folder without the network (from npm's cache, as the suite's own
 * dependencies came) and runs: `npx dynalith --version`, a server that
 * answers, and the embedding API imported by the package's name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_AUTHORIZATION } from '../helpers/raw.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface LockEntry {
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly [field: string]: unknown;
}

/**
 * A user project's lockfile for the tarball: the runtime dependencies as
 * this repository's lockfile pins them, so `npm ci --offline` installs them
 * from npm's cache of their tarballs (an install that resolved versions
 * would ask the registry for their metadata).
 */
function userLock(tarball: string): object {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, object> = {
    '': { name: 'user-project', version: '1.0.0', dependencies: { dynalith: tarball } },
    'node_modules/dynalith': { version: own.version, resolved: tarball, dependencies: own.dependencies, bin: own.bin, engines: own.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && entry.dev !== true && entry.link !== true) packages[path] = entry;
  }
  return { name: 'user-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

test('npm pack holds the runtime files only, and the tarball installs offline and runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynalith-pack-'));
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
    const paths = packed[0]!.files.map((file) => file.path);
    assert.ok(paths.includes('bin/dynalith.js') && paths.includes('dist/bundle/dynalith.js') && paths.includes('dist/bundle/embed/embed.js'));
    assert.ok(!paths.some((path) => /^(src|test|bench|docs|reliability|scripts)\//.test(path) || path.startsWith('dist/src/') || path.startsWith('dist/test/')), 'no sources, tests or tools');

    const project = join(dir, 'project');
    mkdirSync(project);
    const tarball = `file:${join(dir, packed[0]!.filename)}`;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: 'module', private: true, dependencies: { dynalith: tarball } }));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(userLock(tarball)));
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, encoding: 'utf8' });
    const version = execFileSync('npx', ['--offline', 'dynalith', '--version'], { cwd: project, encoding: 'utf8' }).trim();
    assert.equal(version, `dynalith ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`);
    assert.ok(readdirSync(join(project, 'node_modules', 'dynalith', 'dist')).every((entry) => entry === 'bundle' || entry === 'types'));

    // The installed command serves.
    const served = spawn('npx', ['--offline', 'dynalith', '--port', '0', '--in-memory'], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      served.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match !== null) resolve(match[1]!);
      });
      served.once('exit', (code) => reject(new Error(`npx dynalith exited with ${code}: ${out}`)));
    });
    const listed = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: FAKE_AUTHORIZATION }, body: '{}' });
    assert.equal(await listed.text(), '{"TableNames":[]}');
    process.kill(-served.pid!, 'SIGTERM');
    const script = join(project, 'embedded.mjs');
    writeFileSync(script, [
      "import { startDynalith, createTables } from 'dynalith';",
      'const server = await startDynalith();',
      "await createTables(server, [{ TableName: 'packed', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }]);",
      "const answer = await fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' }, body: '{}' });",
      'console.log(await answer.text());',
      'await server.close();',
    ].join('\n'));
    assert.equal(execFileSync(process.execPath, [script], { cwd: project, encoding: 'utf8' }).trim(), '{"TableNames":["packed"]}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
