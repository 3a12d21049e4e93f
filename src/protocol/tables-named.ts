/** Which tables a request names, read from its body before (or without) checking its shape. */

/** The tables a DynamoDB request names: its TableName, its batch's or its transaction's. */
export function tablesNamed(body: object): readonly string[] {
  const request = body as { TableName?: unknown; RequestItems?: unknown; TransactItems?: unknown };
  if (typeof request.TableName === 'string') return [request.TableName];
  if (request.RequestItems !== null && typeof request.RequestItems === 'object') return Object.keys(request.RequestItems);
  if (!Array.isArray(request.TransactItems)) return [];
  const names = new Set<string>();
  for (const entry of request.TransactItems as unknown[]) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const action of Object.values(entry)) {
      const name = (action as { TableName?: unknown } | null)?.TableName;
      if (typeof name === 'string') names.add(name);
    }
  }
  return [...names];
}

const STATEMENT_TABLE = /\b(?:FROM|INTO|UPDATE)\s+(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_.-]*))/i;

/** The tables a PartiQL call's statements name (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction). */
export function statementTables(body: object): readonly string[] {
  const request = body as { Statement?: unknown; Statements?: unknown; TransactStatements?: unknown };
  const entries = typeof request.Statement === 'string' ? [request] : Array.isArray(request.Statements) ? request.Statements : Array.isArray(request.TransactStatements) ? request.TransactStatements : [];
  const names = new Set<string>();
  for (const entry of entries as unknown[]) {
    const statement = (entry as { Statement?: unknown } | null)?.Statement;
    const match = typeof statement === 'string' ? STATEMENT_TABLE.exec(statement) : null;
    if (match !== null) names.add(match[1] ?? match[2]!);
  }
  return [...names];
}

/** Every table a request names, whether in its members (tablesNamed) or in its PartiQL statements. */
export function requestTables(body: object): readonly string[] {
  const names = tablesNamed(body);
  return names.length > 0 ? names : statementTables(body);
}
