// The system KB (the platform's own guides) as a partner's portal shows it beside its own KB:
// white-label, so named "Platform guides", never after the house.
import type { Me } from '../app/session';

/** The system KB's tenant to show on the KB home, when it is not the viewer's own KB. */
export function platformKbOf(me: Pick<Me, 'system_kb_tenant_id' | 'user'> | null | undefined): string | null {
  const system = me?.system_kb_tenant_id;
  return system && system !== me.user.tenant ? system : null;
}
