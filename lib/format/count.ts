const countFormat = new Intl.NumberFormat("en-US");

/** "12,345": a fixed locale so server and browser render the same text. */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** "1 thing" / "12 things". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}
