/**
 * IAM's wildcards: `*` matches any run of characters (`/` and `:` included,
 * as in `table/*`), `?` any one character; everything else matches itself.
 * Action names compare case-insensitively, ARNs and condition values as they
 * are (IAM User Guide, "IAM JSON policy elements: Action / Resource").
 */

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 4096;

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const id = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = cache.get(id);
  if (regex === undefined) {
    let source = '';
    for (const char of pattern) {
      if (char === '*') source += '[^]*';
      else if (char === '?') source += '[^]';
      else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
    regex = new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(id, regex);
  }
  return regex;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return compile(pattern, ignoreCase).test(value);
}

/**
 * An ARN pattern against an ARN, segment by segment (partition, service,
 * region, account, resource), so a wildcard in one segment cannot swallow the
 * colons of the next: ArnLike's rule, and the Resource element's.
 */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const want = arnSegments(pattern);
  const have = arnSegments(arn);
  if (want === undefined || have === undefined) return false;
  return want.every((segment, i) => wildcardMatch(segment, have[i]!));
}

function arnSegments(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(1, 5), parts.slice(5).join(':')];
}
