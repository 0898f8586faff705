// Objects keyed by names that clients choose (attribute names). A plain
// assignment `o[name] = v` with name "__proto__" would replace the prototype
// instead of adding a member, so such objects are filled through this helper.

export function setOwn<T>(target: Record<string, T>, key: string, value: NoInfer<T>): void {
  // defineProperty turns an object into a slow dictionary: only the one name that needs it pays for it.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Builds an object from entries, keeping every key as an own member (last one wins). */
export function ownObject<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) setOwn(out, k, v);
  return out;
}
