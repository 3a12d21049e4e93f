/** Request members shared by many operations, declared once. */
import { str } from '../protocol/shape.js';

export const TABLE_NAME_PATTERN = '[a-zA-Z0-9_.-]+';

/** TableName as the data-plane operations declare it. */
export const tableNameMember = str({ required: true, minLength: 1, maxLength: 255, pattern: TABLE_NAME_PATTERN });
