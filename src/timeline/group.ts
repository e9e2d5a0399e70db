// Grouping without copying: appends to the list a map holds for a key (a copy per append is quadratic on
// the long lists big logs give, such as one Defender update installed a thousand times).

/** Appends `value` to the list `map` holds for `key`, creating it. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
