// The admin area's index: the sections this role can use.
import { role } from '../app/session';
import { Page } from '../ui/Page';
import { SECTION_DESCRIPTIONS } from './descriptions';
import { ADMIN_SECTIONS } from './sections';

export default function AdminHome() {
  const r = role.value;
  return (
    <Page title="Admin">
      <ul class="quick-actions" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(14rem, 1fr))' }}>
        {ADMIN_SECTIONS.filter((s) => r && s.roles.includes(r)).map((s) => (
          <li key={s.href}>
            <a href={s.href} style={{ flexDirection: 'column', alignItems: 'flex-start' }}>
              {s.label}
              <span class="muted" style={{ fontWeight: 400 }}>
                {SECTION_DESCRIPTIONS[s.href]}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </Page>
  );
}
