/**
 * A closed list of words: the values stored in the database, with the labels users read. `label` falls back to the
 * value itself, so a value from an older list still reads as something rather than nothing.
 */
export function labelled<const T extends readonly { value: string; text: string }[]>(items: T) {
  const values = items.map((i) => i.value) as unknown as { [K in keyof T]: T[K]['value'] }
  const labels = new Map<string, string>(items.map((i) => [i.value, i.text]))
  return {
    items,
    values,
    label: (value: string) => labels.get(value) ?? value,
    has: (value: string) => labels.has(value),
  }
}
