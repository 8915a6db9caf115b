/**
 * Objects from a watch stream are raw JSON, while the typed API calls turn timestamps into Dates.
 * Give watched objects the same metadata timestamps so both sources look alike to the engine.
 */
export function withDates<T extends { metadata?: object }>(object: T): T {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (metadata === undefined) return object;
  const converted: Record<string, unknown> = { ...metadata };
  for (const field of ["creationTimestamp", "deletionTimestamp"]) {
    const value = converted[field];
    if (typeof value === "string") converted[field] = new Date(value);
  }
  return { ...object, metadata: converted };
}
