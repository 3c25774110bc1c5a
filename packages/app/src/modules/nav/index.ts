import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { PortalSidebar } from './Sidebar';

export const navModule = createFrontendModule({
  pluginId: 'app',
  extensions: [PortalSidebar],
});
