// The person's own account: whether mail to them stopped (shown only then), two-step sign-in,
// signed-in devices, API keys and notifications.
import { Page } from '../ui/Page';
import { ApiKeys } from './ApiKeys';
import { MailAddress } from './MailAddress';
import { NotificationSettings } from './NotificationSettings';
import { Sessions } from './Sessions';
import { TwoFactor } from './TwoFactor';

export default function Settings() {
  return (
    <Page title="Account and security">
      <MailAddress />
      <TwoFactor />
      <Sessions />
      <ApiKeys />
      <NotificationSettings />
    </Page>
  );
}
