// Option lists for selects and check boxes, typed with the words the API takes, and the guard
// that narrows what a control answers back to those words.

export interface Option<V extends string = string> {
  readonly value: V;
  readonly label: string;
}

/** Whether `value` is one of the options' values: all a control built from them can answer. */
export function isOption<V extends string>(options: readonly Option<V>[], value: string | null | undefined): value is V {
  return options.some((o) => o.value === value);
}
