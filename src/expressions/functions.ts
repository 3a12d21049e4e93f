/** The functions each kind of expression may call, with their number of operands. Names are case-sensitive. */
export const CONDITION_FUNCTIONS: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};

export const UPDATE_FUNCTIONS: Readonly<Record<string, number>> = { if_not_exists: 2, list_append: 2 };

export const isConditionFunction = (name: string): boolean => Object.hasOwn(CONDITION_FUNCTIONS, name);
export const isUpdateFunction = (name: string): boolean => Object.hasOwn(UPDATE_FUNCTIONS, name);
