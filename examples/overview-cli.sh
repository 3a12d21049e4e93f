#!/usr/bin/env bash
# The DynamoDB overview's examples with the AWS CLI. Usage: examples/overview-cli.sh [endpoint]
set -euo pipefail
endpoint=${1:-${DYNALITH_ENDPOINT:-http://127.0.0.1:8000}}
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
ddb() { aws dynamodb --endpoint-url "$endpoint" "$@"; }

ddb create-table --table-name UsersCli \
  --key-schema AttributeName=UserID,KeyType=HASH AttributeName=Email,KeyType=RANGE \
  --attribute-definitions AttributeName=UserID,AttributeType=S AttributeName=Email,AttributeType=S \
  --provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5 >/dev/null
echo 'Table created successfully'
ddb put-item --table-name UsersCli \
  --item '{"UserID": {"S": "12345"}, "Email": {"S": "john@example.com"}, "Name": {"S": "John Doe"}, "Age": {"N": "30"}}'
echo 'Item added successfully'
ddb get-item --table-name UsersCli --key '{"UserID": {"S": "12345"}, "Email": {"S": "john@example.com"}}'
