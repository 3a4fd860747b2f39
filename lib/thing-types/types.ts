/** Thing types in the console's own shape. */
export interface ThingTypeSummary {
  name: string;
  arn: string | null;
  description: string | null;
  searchableAttributes: string[];
  createdAt: string | null;
  deprecated: boolean;
  deprecatedAt: string | null;
}

export interface ThingTypeCount {
  count: number;
  /** True when counting stopped at the console's cap (the real number is higher). */
  capped: boolean;
}
