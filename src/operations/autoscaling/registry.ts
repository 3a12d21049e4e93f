/**
 * The Application Auto Scaling operations served on the same endpoint
 * (`X-Amz-Target: AnyScaleFrontendService.<name>`, JSON 1.1, as
 * @aws-sdk/client-application-auto-scaling sends them), for DynamoDB's
 * scalable dimensions. Loaded on first use.
 */
import { operationTable } from '../operation-table.js';

export const findAutoScalingOperation = operationTable({});
