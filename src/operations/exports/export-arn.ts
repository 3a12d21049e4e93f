/** The request member that carries an export's ARN. */
import { str } from '../../protocol/shape.js';

/** ExportArn's length limits, from the API reference. */
export const exportArnMember = (required: boolean) => str({ required, minLength: 37, maxLength: 1024 });
