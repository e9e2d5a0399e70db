// Grouping without copying: appends to the list a map holds for a key (a copy per append is quadratic on
// the long lists big logs give, such as one Defender update installed a thousand times).

/** Appends `value` to the list `map` holds for `key`, creating it. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Items split by {@link boundKeys}: those of the keys kept, and the rest with how many keys they have. */
export interface Bounded<V> {
  kept: V[];
  left: V[];
  leftKeys: number;
}

/**
 * At most `cap` distinct keys (updates, packages) go on to be told one by one: keys with a `preferred` item
 * (a failure) first, in order of first appearance, then the others. Items of the other keys are returned
 * apart, in order, for the caller to count and fold; items without a key are always kept.
 */
export function boundKeys<V>(
  items: readonly V[],
  keyOf: (v: V) => string | null,
  cap: number,
  preferred: (v: V) => boolean,
): Bounded<V> {
  const order: string[] = [];
  const hasPreferred = new Set<string>();
  const seen = new Set<string>();
  for (const v of items) {
    const k = keyOf(v);
    if (k === null) continue;
    if (!seen.has(k)) {
      seen.add(k);
      order.push(k);
    }
    if (preferred(v)) hasPreferred.add(k);
  }
  if (seen.size <= cap) return { kept: [...items], left: [], leftKeys: 0 };
  const chosen = new Set<string>();
  for (const k of order) if (chosen.size < cap && hasPreferred.has(k)) chosen.add(k);
  for (const k of order) if (chosen.size < cap) chosen.add(k);
  const kept: V[] = [];
  const left: V[] = [];
  for (const v of items) {
    const k = keyOf(v);
    (k === null || chosen.has(k) ? kept : left).push(v);
  }
  return { kept, left, leftKeys: seen.size - chosen.size };
}
