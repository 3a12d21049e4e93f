/**
 * ElectroDB, the single-table ORM, against Dynalith: two entities in one
 * table with composite sort keys, a collection across them on a GSI, queries
 * by begins_with, paging by ElectroDB's cursor, patch, update and delete.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Entity, Service } from 'electrodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable } from '../helpers/tables.js';

const keyAttribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });

function employees(client: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient, table: string) {
  return new Entity(
    {
      model: { entity: 'employee', version: '1', service: 'hr' },
      attributes: {
        office: { type: 'string', required: true },
        team: { type: 'string', required: true },
        id: { type: 'string', required: true },
        name: { type: 'string', required: true },
        title: { type: 'string' },
        salary: { type: 'number', default: 0 },
        skills: { type: 'set', items: 'string' },
      },
      indexes: {
        byId: { pk: { field: 'pk', composite: ['office'] }, sk: { field: 'sk', composite: ['team', 'id'] } },
        byOffice: { index: 'gsi1', collection: 'workplace', pk: { field: 'gsi1pk', composite: ['office'] }, sk: { field: 'gsi1sk', composite: ['name'] } },
      },
    },
    { client, table },
  );
}

function tasks(client: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient, table: string) {
  return new Entity(
    {
      model: { entity: 'task', version: '1', service: 'hr' },
      attributes: {
        office: { type: 'string', required: true },
        project: { type: 'string', required: true },
        taskId: { type: 'string', required: true },
        assignee: { type: 'string', required: true },
        status: { type: ['open', 'done'] as const, default: 'open' },
      },
      indexes: {
        byProject: { pk: { field: 'pk', composite: ['project'] }, sk: { field: 'sk', composite: ['taskId'] } },
        byOffice: { index: 'gsi1', collection: 'workplace', pk: { field: 'gsi1pk', composite: ['office'] }, sk: { field: 'gsi1sk', composite: ['assignee', 'taskId'] } },
      },
    },
    { client, table },
  );
}

describeEachBackend('ElectroDB', (target) => {
  let service: Service<{ employee: ReturnType<typeof employees>; task: ReturnType<typeof tasks> }>;
  before(async () => {
    const table = await createTable(target().ddb, 'electro', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      extra: {
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map(keyAttribute),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    });
    const client = target().doc;
    service = new Service({ employee: employees(client, table), task: tasks(client, table) });
    const { employee, task } = service.entities;
    const people = ['ada', 'alan', 'alonzo', 'barbara', 'grace', 'edsger'].map((name, i) => ({
      office: 'london',
      team: i % 2 === 0 ? 'compilers' : 'kernels',
      id: `e${i}`,
      name,
      title: 'engineer',
    }));
    await employee.put(people).go();
    await employee.create({ office: 'paris', team: 'compilers', id: 'e9', name: 'ada', title: 'lead' }).go();
    await task.put({ office: 'london', project: 'p1', taskId: 't1', assignee: 'ada' }).go();
    await task.put({ office: 'london', project: 'p1', taskId: 't2', assignee: 'grace' }).go();
  });

  test('get by the full composite key, and create refuses an existing item', async () => {
    const { data } = await service.entities.employee.get({ office: 'london', team: 'compilers', id: 'e0' }).go();
    assert.equal(data?.name, 'ada');
    assert.equal(data?.salary, 0);
    await assert.rejects(
      service.entities.employee.create({ office: 'london', team: 'compilers', id: 'e0', name: 'dup' }).go(),
      /conditional request failed/,
    );
  });

  test('a partial composite sort key queries by begins_with on the table', async () => {
    const { data } = await service.entities.employee.query.byId({ office: 'london', team: 'kernels' }).go();
    assert.deepEqual(data.map((e) => e.id).sort(), ['e1', 'e3', 'e5']);
  });

  test('begins_with on a GSI sort key, with between and a filter', async () => {
    const { data } = await service.entities.employee.query.byOffice({ office: 'london' }).begins({ name: 'al' }).go();
    assert.deepEqual(data.map((e) => e.name), ['alan', 'alonzo']);
    const between = await service.entities.employee.query.byOffice({ office: 'london' }).between({ name: 'b' }, { name: 'f' }).go();
    assert.deepEqual(between.data.map((e) => e.name), ['barbara', 'edsger']);
    const filtered = await service.entities.employee.query
      .byOffice({ office: 'london' })
      .where(({ team }, { eq }) => eq(team, 'kernels'))
      .go();
    assert.deepEqual(filtered.data.map((e) => e.name), ['alan', 'barbara', 'edsger']);
  });

  test('pages through a GSI query with the cursor', async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { data: { name: string }[]; cursor: string | null } = await service.entities.employee.query
        .byOffice({ office: 'london' })
        .go({ cursor, limit: 4 });
      names.push(...page.data.map((e) => e.name));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null);
    assert.deepEqual(names, ['ada', 'alan', 'alonzo', 'barbara', 'edsger', 'grace']);
    assert.ok(pages >= 2, `expected several pages, got ${pages}`);
  });

  test('a collection query returns both entities sharing the GSI partition', async () => {
    const { data } = await service.collections.workplace({ office: 'london' }).go();
    assert.equal(data.employee.length, 6);
    assert.deepEqual(data.task.map((t) => t.taskId).sort(), ['t1', 't2']);
  });

  test('patch and update change attributes and keep the GSI in step', async () => {
    const key = { office: 'london', team: 'kernels', id: 'e3' };
    const patched = await service.entities.employee.patch(key).set({ name: 'bjarne' }).add({ salary: 10, skills: ['c++'] }).go({ response: 'all_new' });
    assert.equal(patched.data.name, 'bjarne');
    assert.equal(patched.data.salary, 10);
    assert.deepEqual(patched.data.skills, ['c++']);
    const { data } = await service.entities.employee.query.byOffice({ office: 'london' }).begins({ name: 'b' }).go();
    assert.deepEqual(data.map((e) => e.name), ['bjarne']);
    await service.entities.task.update({ project: 'p1', taskId: 't2' }).set({ status: 'done' }).go();
    const done = await service.entities.task.get({ project: 'p1', taskId: 't2' }).go();
    assert.equal(done.data?.status, 'done');
    await assert.rejects(service.entities.employee.patch({ office: 'london', team: 'kernels', id: 'nobody' }).set({ title: 'x' }).go(), /conditional request failed/);
  });

  test('delete removes the item from the table and the GSI', async () => {
    await service.entities.employee.delete({ office: 'london', team: 'compilers', id: 'e4' }).go();
    const gone = await service.entities.employee.get({ office: 'london', team: 'compilers', id: 'e4' }).go();
    assert.equal(gone.data, null);
    const { data } = await service.entities.employee.query.byOffice({ office: 'london' }).begins({ name: 'grace' }).go();
    assert.deepEqual(data, []);
    const paris = await service.entities.employee.query.byOffice({ office: 'paris' }).go();
    assert.deepEqual(paris.data.map((e) => e.title), ['lead']);
  });
});

/** ElectroDB 3's composite indexes map their pk and sk composites onto a multi-attribute GSI key, with no synthetic key fields. */
function matches(client: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient, table: string) {
  return new Entity(
    {
      model: { entity: 'match', version: '1', service: 'esports' },
      attributes: {
        matchId: { type: 'string', required: true },
        tournament: { type: 'string', required: true },
        zone: { type: 'string', required: true },
        stage: { type: 'string', required: true },
        game: { type: 'number', required: true },
        winner: { type: 'string' },
      },
      indexes: {
        byId: { pk: { field: 'pk', composite: ['matchId'] }, sk: { field: 'sk', composite: [] } },
        byTournament: { index: 'tournamentZone', type: 'composite', pk: { composite: ['tournament', 'zone'] }, sk: { composite: ['stage', 'game'] } },
      },
    },
    { client, table },
  );
}

describeEachBackend('ElectroDB composite (multi-attribute) indexes', (target) => {
  let match: ReturnType<typeof matches>;
  const tz = { tournament: 'winter', zone: 'eu' };
  before(async () => {
    const table = await createTable(target().ddb, 'electro_composite', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      extra: {
        AttributeDefinitions: [...['pk', 'sk', 'tournament', 'zone', 'stage'].map(keyAttribute), { AttributeName: 'game', AttributeType: 'N' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'tournamentZone',
            KeySchema: [
              { AttributeName: 'tournament', KeyType: 'HASH' },
              { AttributeName: 'zone', KeyType: 'HASH' },
              { AttributeName: 'stage', KeyType: 'RANGE' },
              { AttributeName: 'game', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    });
    match = matches(target().doc, table);
    const stages: [string, number][] = [
      ['final', 1],
      ['quarter', 1],
      ['quarter', 2],
      ['quarter', 10],
      ['semi', 1],
      ['semi', 2],
    ];
    await match.put(stages.map(([stage, game], i) => ({ matchId: `m${i}`, ...tz, stage, game }))).go();
    await match.put({ matchId: 'other', tournament: 'winter', zone: 'us', stage: 'final', game: 1 }).go();
  });

  const games = (data: readonly { stage: string; game: number }[]) => data.map((m) => `${m.stage}-${m.game}`);

  test('queries by the whole partition, a sort-attribute prefix and the last attribute', async () => {
    assert.deepEqual(games((await match.query.byTournament(tz).go()).data), ['final-1', 'quarter-1', 'quarter-2', 'quarter-10', 'semi-1', 'semi-2']);
    assert.deepEqual(games((await match.query.byTournament({ ...tz, stage: 'quarter' }).go()).data), ['quarter-1', 'quarter-2', 'quarter-10']);
    assert.deepEqual(games((await match.query.byTournament({ ...tz, stage: 'quarter', game: 2 }).go()).data), ['quarter-2']);
    assert.deepEqual(games((await match.query.byTournament({ ...tz, stage: 'quarter' }).gt({ game: 1 }).go()).data), ['quarter-2', 'quarter-10']);
    assert.deepEqual(games((await match.query.byTournament(tz).begins({ stage: 's' }).go()).data), ['semi-1', 'semi-2']);
    assert.deepEqual(games((await match.query.byTournament({ ...tz, stage: 'quarter' }).between({ game: 2 }, { game: 10 }).go()).data), ['quarter-2', 'quarter-10']);
    assert.deepEqual(games((await match.query.byTournament(tz).go({ order: 'desc', limit: 2 })).data), ['semi-2', 'semi-1']);
  });

  test('pages with the cursor, and updates move items in the index', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { stage: string; game: number }[]; cursor: string | null } = await match.query.byTournament(tz).go({ cursor, limit: 4 });
      seen.push(...games(page.data));
      cursor = page.cursor;
    } while (cursor !== null);
    assert.deepEqual(seen, ['final-1', 'quarter-1', 'quarter-2', 'quarter-10', 'semi-1', 'semi-2']);
    await match.patch({ matchId: 'm0' }).set({ zone: 'us', winner: 'blue' }).go();
    assert.deepEqual(games((await match.query.byTournament(tz).begins({ stage: 'f' }).go()).data), []);
    const us = await match.query.byTournament({ tournament: 'winter', zone: 'us', stage: 'final' }).go();
    assert.deepEqual(us.data.map((m) => m.matchId).sort(), ['m0', 'other']);
  });
});
