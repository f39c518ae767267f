// Keys of the values rules derive from a file once and share through `FileModel.memo`.

/** Names one derived value; the type parameter ties the key to its value's type. */
export interface MemoKey<T> { readonly name: string; readonly __type?: T }

export function memoKey<T>(name: string): MemoKey<T> {
  return { name };
}
