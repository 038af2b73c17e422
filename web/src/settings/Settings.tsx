// The person's own account: two-step sign-in, signed-in devices, API keys and notifications.
import { Page } from '../ui/Page';
import { ApiKeys } from './ApiKeys';
import { NotificationSettings } from './NotificationSettings';
import { Sessions } from './Sessions';
import { TwoFactor } from './TwoFactor';

export default function Settings() {
  return (
    <Page title="Account and security">
      <TwoFactor />
      <Sessions />
      <ApiKeys />
      <NotificationSettings />
    </Page>
  );
}
