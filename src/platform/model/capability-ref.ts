/** The catalog ref of a published capability (its mirror in the catalog). Pure: readers of the catalog use it too. */
export function capabilityRef(name: string): string {
  return `capability:default/${name}`;
}
