import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';
import { readStatistics } from '../../src/engine/reader.js';

type Item = Record<string, AttributeValue>;

describeEachBackend('PartiQL', (target) => {
  let music: string;
  const run = (Statement: string, extra: Record<string, unknown> = {}) =>
    target().ddb.send(new ExecuteStatementCommand({ Statement, ...extra }));
  const get = async (artist: string, song: string): Promise<Item | undefined> =>
    (await target().ddb.send(new GetItemCommand({ TableName: music, Key: { Artist: { S: artist }, SongTitle: { S: song } }, ConsistentRead: true }))).Item;

  before(async () => {
    music = await createTable(target().ddb, 'music', { hash: ['Artist', 'S'], range: ['SongTitle', 'S'] });
    for (let i = 0; i < 10; i++) {
      await target().ddb.send(
        new PutItemCommand({ TableName: music, Item: { Artist: { S: 'Band' }, SongTitle: { S: `song-${i}` }, Plays: { N: String(i) } } }),
      );
    }
  });

  // ------------------------------------------------------------ the Developer Guide's examples

  test('the guide: INSERT then SELECT by the full key', async () => {
    const inserted = await run(`INSERT INTO "${music}" value {'Artist' : 'Acme Band','SongTitle' : 'PartiQL Rocks'}`);
    assert.deepEqual(inserted.Items, []);
    const { Items } = await run(`SELECT * FROM "${music}" WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'`);
    assert.deepEqual(Items, [{ Artist: { S: 'Acme Band' }, SongTitle: { S: 'PartiQL Rocks' } }]);
  });

  test('the guide: UPDATE with SET, nested paths, sets, arithmetic, list_append and REMOVE', async () => {
    await run(`INSERT INTO "${music}" value {'Artist' : 'Acme Band','SongTitle' : 'Updates'}`);
    const where = `WHERE Artist='Acme Band' AND SongTitle='Updates'`;
    await run(`UPDATE "${music}" SET AwardsWon=1 SET AwardDetail={'Grammys':[2020, 2018]} ${where}`);
    await run(`UPDATE "${music}" SET AwardDetail.BillBoard=[2020] ${where}`);
    await run(`UPDATE "${music}" SET BandMembers =<<'member1', 'member2'>> ${where}`);
    await run(`UPDATE "${music}" SET BandMembers =set_add(BandMembers, <<'newmember'>>) ${where}`);
    await run(`UPDATE "${music}" SET AwardsWon=AwardsWon+1 ${where}`);
    await run(`UPDATE "${music}" SET AwardDetail.Grammys =list_append(AwardDetail.Grammys,[2016]) ${where}`);
    await run(`UPDATE "${music}" REMOVE AwardDetail.Grammys[2] ${where}`);
    const item = await get('Acme Band', 'Updates');
    assert.deepEqual(item?.AwardsWon, { N: '2' });
    assert.deepEqual(item?.AwardDetail, { M: { Grammys: { L: [{ N: '2020' }, { N: '2018' }] }, BillBoard: { L: [{ N: '2020' }] } } });
    assert.deepEqual(new Set(item?.BandMembers?.SS), new Set(['member1', 'member2', 'newmember']));
  });

  test('the guide: DELETE, with RETURNING ALL OLD *', async () => {
    await run(`INSERT INTO "${music}" value {'Artist' : 'Acme Band','SongTitle' : 'Gone', 'Year': 2001}`);
    const { Items } = await run(`DELETE FROM "${music}" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'Gone' RETURNING ALL OLD *`);
    assert.deepEqual(Items, [{ Artist: { S: 'Acme Band' }, SongTitle: { S: 'Gone' }, Year: { N: '2001' } }]);
    assert.equal(await get('Acme Band', 'Gone'), undefined);
    // Deleting what is not there is not an error.
    assert.deepEqual((await run(`DELETE FROM "${music}" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'Gone'`)).Items, []);
  });

  // ------------------------------------------------------------ SELECT

  test('a partition-key SELECT reads only its key range, narrowed by sort-key conditions', async () => {
    const before = readStatistics.entriesVisited;
    const { Items } = await run(`SELECT SongTitle FROM "${music}" WHERE Artist = 'Band' AND SongTitle BETWEEN 'song-3' AND 'song-5'`);
    assert.deepEqual(Items, [{ SongTitle: { S: 'song-3' } }, { SongTitle: { S: 'song-4' } }, { SongTitle: { S: 'song-5' } }]);
    if (target().backend !== 'external') assert.equal(readStatistics.entriesVisited - before, 3);
    const prefixed = await run(`SELECT SongTitle FROM "${music}" WHERE Artist = 'Band' AND begins_with(SongTitle, 'song-9')`);
    assert.deepEqual(prefixed.Items, [{ SongTitle: { S: 'song-9' } }]);
    const below = await run(`SELECT SongTitle FROM "${music}" WHERE Artist = 'Band' AND SongTitle < 'song-2' ORDER BY SongTitle DESC`);
    assert.deepEqual(below.Items, [{ SongTitle: { S: 'song-1' } }, { SongTitle: { S: 'song-0' } }]);
  });

  test('WHERE uses the condition functions, IN, BETWEEN and IS [NOT] MISSING', async () => {
    const titles = async (where: string) =>
      ((await run(`SELECT SongTitle FROM "${music}" WHERE Artist IN ['Band', 'Nobody'] AND ${where}`)).Items ?? []).map((i) => i.SongTitle?.S).sort();
    assert.deepEqual(await titles('Plays IN [1, 8]'), ['song-1', 'song-8']);
    assert.deepEqual(await titles('Plays BETWEEN 2 AND 3'), ['song-2', 'song-3']);
    assert.deepEqual(await titles('Plays > 7 AND NOT Plays = 9'), ['song-8']);
    assert.deepEqual(await titles('(contains(SongTitle, \'-7\') OR size(SongTitle) > 6)'), ['song-7']);
    assert.deepEqual((await titles('Nothing IS MISSING')).length, 10);
    assert.deepEqual(await titles('Nothing IS NOT MISSING'), []);
    assert.deepEqual((await titles('attribute_exists(Plays) AND attribute_not_exists(Nothing)')).length, 10);
  });

  test('a SELECT without a key condition scans; projections reach into documents', async () => {
    await run(`INSERT INTO "${music}" VALUE {'Artist': 'Doc', 'SongTitle': 'd', 'm': {'x': [1, {'y': 'z'}]}, 't': TRUE, 'n': NULL}`);
    const { Items } = await run(`SELECT m.x[1].y, m.x[0], t, n FROM "${music}" WHERE t = TRUE`);
    assert.deepEqual(Items, [{ y: { S: 'z' }, 'x[0]': { N: '1' }, t: { BOOL: true }, n: { NULL: true } }]);
  });

  test('Limit counts the items read and NextToken resumes, bound to its statement', async () => {
    const statement = `SELECT SongTitle FROM "${music}" WHERE Artist = 'Band' AND Plays >= 5`;
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await run(statement, { Limit: 3, NextToken: token });
      seen.push(...(page.Items ?? []).map((i) => i.SongTitle?.S as string));
      token = page.NextToken;
      pages++;
    } while (token !== undefined);
    assert.deepEqual(seen, ['song-5', 'song-6', 'song-7', 'song-8', 'song-9']);
    assert.equal(pages, 4);
    const first = await run(statement, { Limit: 2 });
    assert.equal((await errorOf(() => run(`SELECT * FROM "${music}"`, { NextToken: first.NextToken }))).message, 'NextToken does not match request');
    assert.equal((await errorOf(() => run(statement, { NextToken: 'garbage' }))).message, 'Invalid NextToken');
  });

  test('? parameters, and their count must match', async () => {
    await run(`INSERT INTO "${music}" VALUE {'Artist': ?, 'SongTitle': ?, 'b': ?}`, { Parameters: [{ S: 'P' }, { S: 'q' }, { B: Buffer.from('hi') }] });
    const { Items } = await run(`SELECT b FROM "${music}" WHERE Artist = ? AND SongTitle = ?`, { Parameters: [{ S: 'P' }, { S: 'q' }] });
    assert.equal(Buffer.from(Items?.[0]?.b?.B ?? []).toString(), 'hi');
    const error = await errorOf(() => run(`SELECT * FROM "${music}" WHERE Artist = ?`));
    assert.equal(error.message, "Number of parameters in request and statement don't match.");
  });

  test('ReturnConsumedCapacity on reads and writes', async () => {
    const read = await run(`SELECT * FROM "${music}" WHERE Artist = 'Band' AND SongTitle = 'song-1'`, { ReturnConsumedCapacity: 'TOTAL', ConsistentRead: true });
    assert.deepEqual(read.ConsumedCapacity, { TableName: music, CapacityUnits: 1 });
    const write = await run(`UPDATE "${music}" SET x = 1 WHERE Artist = 'Band' AND SongTitle = 'song-1'`, { ReturnConsumedCapacity: 'TOTAL' });
    assert.deepEqual(write.ConsumedCapacity, { TableName: music, CapacityUnits: 1 });
  });

  // ------------------------------------------------------------ writes and their errors

  test('INSERT of an existing key is a DuplicateItemException', async () => {
    const error = await errorOf(() => run(`INSERT INTO "${music}" VALUE {'Artist': 'Band', 'SongTitle': 'song-0'}`));
    assert.equal(error.name, 'DuplicateItemException');
    assert.equal(error.message, 'Duplicate primary key exists in table');
  });

  test('UPDATE needs the whole key, an existing item and a true WHERE clause', async () => {
    const unkeyed = await errorOf(() => run(`UPDATE "${music}" SET x = 1 WHERE Artist = 'Band'`));
    assert.equal(unkeyed.message, 'Where clause does not contain a mandatory equality on all key attributes');
    const missing = await errorOf(() => run(`UPDATE "${music}" SET x = 1 WHERE Artist = 'Band' AND SongTitle = 'none'`));
    assert.equal(missing.name, 'ConditionalCheckFailedException');
    assert.equal(await get('Band', 'none'), undefined);
    const failed = await errorOf(() =>
      run(`UPDATE "${music}" SET x = 1 WHERE Artist = 'Band' AND SongTitle = 'song-2' AND Plays = 99`, { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
    );
    assert.equal(failed.name, 'ConditionalCheckFailedException');
    assert.deepEqual(failed.Item, { Artist: { S: 'Band' }, SongTitle: { S: 'song-2' }, Plays: { N: '2' } });
  });

  test('RETURNING on UPDATE', async () => {
    const where = `WHERE Artist = 'Band' AND SongTitle = 'song-3'`;
    assert.deepEqual((await run(`UPDATE "${music}" SET Plays = Plays + 10 ${where} RETURNING MODIFIED OLD *`)).Items, [{ Plays: { N: '3' } }]);
    assert.deepEqual((await run(`UPDATE "${music}" SET Plays = Plays + 10 ${where} RETURNING MODIFIED NEW *`)).Items, [{ Plays: { N: '23' } }]);
    const all = await run(`UPDATE "${music}" REMOVE Plays ${where} RETURNING ALL NEW *`);
    assert.deepEqual(all.Items, [{ Artist: { S: 'Band' }, SongTitle: { S: 'song-3' } }]);
    const bad = await errorOf(() => run(`DELETE FROM "${music}" ${where} RETURNING ALL NEW *`));
    assert.equal(bad.message, 'Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.');
  });

  test('malformed statements and missing tables', async () => {
    const syntax = await errorOf(() => run(`SELECTT * FROMM "${music}"`));
    assert.equal(syntax.name, 'ValidationException');
    assert.match(syntax.message, /^Statement wasn't well formed, can't be processed: /);
    assert.equal((await errorOf(() => run(`SELECT * FROM "nope_table"`))).name, 'ResourceNotFoundException');
    const order = await errorOf(() => run(`SELECT * FROM "${music}" ORDER BY SongTitle`));
    assert.equal(order.message, 'Must have WHERE clause in the statement when using ORDER BY clause.');
  });

  // ------------------------------------------------------------ batches and transactions

  test('BatchExecuteStatement reports each statement, refuses mixing reads and writes', async () => {
    const { Responses } = await target().ddb.send(
      new BatchExecuteStatementCommand({
        Statements: [
          { Statement: `SELECT * FROM "${music}" WHERE Artist = 'Band' AND SongTitle = 'song-4'` },
          { Statement: `SELECT * FROM "${music}" WHERE Artist = 'Band'` },
          { Statement: `SELECT * FROM "nope_table" WHERE Artist = 'Band' AND SongTitle = 'x'` },
          { Statement: `SELEC` },
        ],
      }),
    );
    assert.equal(Responses?.[0]?.Item?.Plays?.N, '4');
    assert.equal(Responses?.[0]?.TableName, music);
    assert.deepEqual(Responses?.[1]?.Error, {
      Code: 'ValidationError',
      Message: 'Select statements within BatchExecuteStatement must specify the primary key in the where clause.',
    });
    assert.equal(Responses?.[2]?.Error?.Code, 'ResourceNotFound');
    assert.equal(Responses?.[3]?.Error?.Code, 'ValidationError');
    const mixed = await errorOf(() =>
      target().ddb.send(
        new BatchExecuteStatementCommand({
          Statements: [{ Statement: `SELECT * FROM "${music}" WHERE Artist = 'a' AND SongTitle = 'b'` }, { Statement: `DELETE FROM "${music}" WHERE Artist = 'a' AND SongTitle = 'b'` }],
        }),
      ),
    );
    assert.equal(mixed.message, 'Read and write requests together in the same batch is not supported.');
    const writes = await target().ddb.send(
      new BatchExecuteStatementCommand({
        Statements: [
          { Statement: `INSERT INTO "${music}" VALUE {'Artist': 'B', 'SongTitle': '1'}` },
          { Statement: `INSERT INTO "${music}" VALUE {'Artist': 'Band', 'SongTitle': 'song-5'}` },
        ],
      }),
    );
    assert.equal(writes.Responses?.[0]?.Error, undefined);
    assert.equal(writes.Responses?.[1]?.Error?.Code, 'DuplicateItem');
    assert.ok(await get('B', '1'));
  });

  test('ExecuteTransaction is all or nothing, with a reason per statement', async () => {
    const error = await errorOf(() =>
      target().ddb.send(
        new ExecuteTransactionCommand({
          TransactStatements: [
            { Statement: `INSERT INTO "${music}" VALUE {'Artist': 'T', 'SongTitle': 'new'}` },
            { Statement: `UPDATE "${music}" SET Plays = 0 WHERE Artist = 'Band' AND SongTitle = 'song-6' AND Plays = 1` },
          ],
        }),
      ),
    );
    assert.equal(error.name, 'TransactionCanceledException');
    assert.deepEqual(
      (error.CancellationReasons as { Code: string }[]).map((r) => r.Code),
      ['None', 'ConditionalCheckFailed'],
    );
    assert.equal(await get('T', 'new'), undefined);
    await target().ddb.send(
      new ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `INSERT INTO "${music}" VALUE {'Artist': 'T', 'SongTitle': 'new'}` },
          { Statement: `UPDATE "${music}" SET Plays = 0 WHERE Artist = 'Band' AND SongTitle = 'song-6' AND Plays = 6` },
        ],
      }),
    );
    assert.ok(await get('T', 'new'));
    assert.deepEqual((await get('Band', 'song-6'))?.Plays, { N: '0' });
    const { Responses } = await target().ddb.send(
      new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `SELECT Plays FROM "${music}" WHERE Artist = 'Band' AND SongTitle = 'song-7'` }] }),
    );
    assert.deepEqual(Responses, [{ Item: { Plays: { N: '7' } } }]);
  });
});
