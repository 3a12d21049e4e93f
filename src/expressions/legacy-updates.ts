/**
 * The legacy `AttributeUpdates` parameter: PUT / ADD / DELETE per top-level
 * attribute, with DynamoDB's validation messages.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import { addNumbers } from '../model/numbers.js';
import { checkAttributeName, validateAttributeValue } from '../model/validate-value.js';
import { DynamoError, validation } from '../protocol/errors.js';
import type { DocumentPath } from './document-path.js';
import type { Update } from './index.js';
import { own, setOwn } from '../model/own-property.js';
import { addTo, deleteFrom } from './update.js';

const INVALID = 'One or more parameter values were invalid: ';
const TYPE_MISMATCH = 'Type mismatch for attribute to update';

type Action = (item: Item) => void;

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** The expression-update helpers word type mismatches differently; AttributeUpdates has its own text. */
function asMismatch<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DynamoError && error.type === 'ValidationException') throw validation(TYPE_MISMATCH);
    throw error;
  }
}

function addAction(name: string, value: AttributeValue): Action {
  return (item) => {
    const existing = own(item, name);
    if ('L' in value) {
      if (existing !== undefined && !('L' in existing)) throw validation(TYPE_MISMATCH);
      setOwn(item, name, { L: [...(existing && 'L' in existing ? existing.L : []), ...value.L] });
    } else if ('N' in value) {
      if (existing !== undefined && !('N' in existing)) throw validation(TYPE_MISMATCH);
      setOwn(item, name, { N: addNumbers(existing && 'N' in existing ? existing.N : '0', value.N) });
    } else setOwn(item, name, asMismatch(() => addTo(existing, value)));
  };
}

function deleteAction(name: string, value: AttributeValue | undefined): Action {
  return (item) => {
    const existing = own(item, name);
    if (value === undefined || existing === undefined) {
      delete item[name];
      return;
    }
    const rest = asMismatch(() => deleteFrom(existing, value));
    if (rest === undefined) delete item[name];
    else setOwn(item, name, rest);
  };
}

function actionFor(name: string, raw: unknown): Action {
  checkAttributeName(name);
  // DynamoDB Local answers a 500 here; this wording follows Expected's for a null entry (a choice, no recording).
  if (raw === null) throw validation(`${INVALID}AttributeValueUpdate must not be null for Attribute: ${name}`);
  const entry = isRecord(raw) ? raw : {};
  const action = entry.Action === undefined || entry.Action === null ? 'PUT' : String(entry.Action);
  const hasValue = entry.Value !== undefined && entry.Value !== null;
  const value = hasValue ? validateAttributeValue(entry.Value) : undefined;
  if (value === undefined && action !== 'DELETE') {
    throw validation(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
  }
  if (value !== undefined && action === 'DELETE' && !['SS', 'NS', 'BS'].includes(typeOf(value))) {
    throw validation(`${INVALID}DELETE action with value is not supported for the type ${typeOf(value)}`);
  }
  if (value !== undefined && action === 'ADD' && !['L', 'SS', 'NS', 'BS', 'N'].includes(typeOf(value))) {
    throw validation(`${INVALID}ADD action is not supported for the type ${typeOf(value)}`);
  }
  if (action === 'ADD') return addAction(name, value as AttributeValue);
  if (action === 'DELETE') return deleteAction(name, value);
  return (item) => {
    setOwn(item, name, value as AttributeValue);
  };
}

export function attributeUpdates(updates: unknown): Update {
  const entries = Object.entries(isRecord(updates) ? updates : {});
  const actions = entries.map(([name, raw]) => actionFor(name, raw));
  const updatedPaths = Object.freeze(entries.map(([name]): DocumentPath => [name]));
  return {
    updatedPaths,
    paths: updatedPaths,
    // No updates at all still creates the item (alternator's tests, recorded against DynamoDB).
    onlyRemoves: entries.length > 0 && entries.every(([, raw]) => isRecord(raw) && raw.Action === 'DELETE'),
    apply(original) {
      // Every action replaces a whole top-level attribute and never edits inside
      // one, so a shallow copy keeps the original untouched.
      const item = { ...original };
      for (const action of actions) action(item);
      return item;
    },
  };
}
