import type { ComponentType, ReactNode } from 'react';

/**
 * One area of the portal (the catalog, golden paths, the platform, …): its pages and its entries in the
 * main navigation, declared in the area's own `area.tsx`. `App` and `Layout` iterate over the list in
 * `areas.ts`, so a new area is one folder and one line there, as a module is on the server.
 */
export interface PortalArea {
  name: string;
  /** Its pages, each a lazy chunk, by route path. */
  routes: ReadonlyArray<{ path: string; element: ReactNode }>;
  /** Its entries in the main navigation; `order` places them among the other areas' entries. */
  nav?: ReadonlyArray<{ order: number; entry: ComponentType }>;
}
