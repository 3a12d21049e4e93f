import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';

interface ListTablesRequest {
  readonly ExclusiveStartTableName?: string;
  readonly Limit?: number;
}

export const listTables = defineOperation<ListTablesRequest>({
  name: 'ListTables',
  // Coral reports Limit's violations before ExclusiveStartTableName's.
  shape: struct('ListTablesInput', {
    Limit: int({ min: 1, max: 100 }),
    ExclusiveStartTableName: str({ minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
  }),
  execute(request, { namespace, services }) {
    const limit = request.Limit ?? 100;
    const start = request.ExclusiveStartTableName;
    const names = services.catalog.list(namespace).filter((name) => start === undefined || name > start);
    const page = names.slice(0, limit);
    return names.length > limit ? { TableNames: page, LastEvaluatedTableName: page[page.length - 1] } : { TableNames: page };
  },
});
