/** Every area of the portal; a new area is one folder with its `area.tsx` and one line here. */
import type { PortalArea } from './portal-area';
import { catalogArea } from './pages/area';
import { templatesArea } from './templates/area';
import { repositoriesArea } from './repositories/area';
import { platformArea } from './platform/area';
import { adminArea } from './admin/area';
import { deliveryArea } from './delivery/area';
import { settingsArea } from './settings/area';
import { scorecardsArea } from './scorecards/area';
import { insightsArea } from './insights/area';
import { mcpArea } from './mcp/area';

export const AREAS: readonly PortalArea[] = [catalogArea, templatesArea, repositoriesArea, platformArea, scorecardsArea, deliveryArea, insightsArea, adminArea, settingsArea, mcpArea];

/** The main navigation's entries of every area, in their order. */
export const NAV_ENTRIES = AREAS.flatMap(area => area.nav ?? []).sort((a, b) => a.order - b.order);
