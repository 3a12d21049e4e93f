/** Request members the Streams API operations share, as DynamoDB Streams declares them. */
import { str } from '../../protocol/shape.js';

export const streamArnMember = (required: boolean) => str({ required, minLength: 37, maxLength: 1024 });
export const shardIdMember = (required: boolean) => str({ required, minLength: 28, maxLength: 65 });
