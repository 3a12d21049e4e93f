/**
 * The PostgreSQL server `scripts/run-tests.js` starts for the suites
 * (DYNALITH_TEST_POSTGRES), and a schema of its own for each store a test
 * opens, so suites running at once never see each other's data.
 */
import pg from 'pg';

export const postgresUrl = process.env.DYNALITH_TEST_POSTGRES;

let counter = 0;

/** A URL whose connections work in a new, empty schema. */
export async function freshPostgresUrl(): Promise<string> {
  if (postgresUrl === undefined) throw new Error('DYNALITH_TEST_POSTGRES is not set: run the tests with npm test');
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  return `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
