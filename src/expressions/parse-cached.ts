/**
 * Parsing with DynamoDB's pre-parse checks (empty text, 4 KB size) and a
 * shared LRU of parse outcomes, so repeated requests skip the parser.
 */
import type { ConditionNode, ProjectionAst, UpdateAst } from './ast.js';
import { LruCache, type ParseOutcome } from './cache.js';
import { parseCondition, parseProjection, parseUpdate } from './parser.js';
import { ExpressionProblem, problem } from './problem.js';

export const MAX_EXPRESSION_BYTES = 4096;
const CACHE_CAPACITY = 1000;

type Kind = 'condition' | 'projection' | 'update';
type AstOf = { condition: ConditionNode; projection: ProjectionAst; update: UpdateAst };

const PARSERS: { readonly [K in Kind]: (text: string) => AstOf[K] } = {
  condition: parseCondition,
  projection: parseProjection,
  update: parseUpdate,
};

const cache = new LruCache<ParseOutcome<AstOf[Kind]>>(CACHE_CAPACITY);

function parseOutcome<K extends Kind>(kind: K, text: string): ParseOutcome<AstOf[K]> {
  if (text === '') return { ok: false, detail: 'The expression can not be empty;' };
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_EXPRESSION_BYTES) {
    return { ok: false, detail: `Expression size has exceeded the maximum allowed size; expression size: ${size}` };
  }
  try {
    return { ok: true, ast: PARSERS[kind](text) };
  } catch (error) {
    if (error instanceof ExpressionProblem) return { ok: false, detail: error.message };
    throw error;
  }
}

/** The frozen AST of `text`, or throws the ExpressionProblem DynamoDB reports for it. */
export function parseCached<K extends Kind>(kind: K, text: string): AstOf[K] {
  const key = `${kind}\u0000${text}`;
  let outcome = cache.get(key) as ParseOutcome<AstOf[K]> | undefined;
  if (outcome === undefined) {
    outcome = parseOutcome(kind, text);
    cache.set(key, outcome);
  }
  return outcome.ok ? outcome.ast : problem(outcome.detail);
}
