// Mail in (email to ticket), for the people who work a tenant's tickets: the tenant's inbound
// address (to forward its own support address to), what happens to mail from senders the portal
// does not know and the addresses that forward here (saved under If-Match); then the received
// mail in three lists: Review (held mail, accepted — an unknown sender joining an organization
// as a client — or discarded), Failed (the dead letters, retried once the cause is fixed) and
// All mail (the log, with the ticket each filed and the original to download), each paged with
// "Load more"; and the addresses mail out stopped to (it bounced or was reported as spam), mail
// to one that bounced started again from there. Super admins pick the tenant; staff may name one
// in the URL; partners and their staff work on their own. This file is the screen's shell (the
// tenant, the settings, the tabs); the settings form is in MailInSettings.tsx, the received mail
// in ReceivedMail.tsx and the stopped addresses in StoppedAddresses.tsx.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { Tagged } from '../api/edits';
import { ApiError } from '../api/problem';
import NotFound from '../app/NotFound';
import { getInbound } from '../mail/api';
import type { InboundSettings, MailList } from '../mail/api';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { listFrom } from './mailIn';
import { AddressPanel, POLICY_HEADING, PolicyForm } from './MailInSettings';
import { ListTabs, MailPager } from './ReceivedMail';
import { StoppedAddresses } from './StoppedAddresses';
import { useTenant } from './useTenant';
import './admin.css';

type Settings = Tagged<InboundSettings> & { tenantId: string };

export default function MailIn() {
  const { tenantId, picker } = useTenant({ staffPick: true });
  const { query, path, route } = useLocation();
  const list = listFrom(query.list);
  // Tagged with the tenant it is of, so a picked tenant's form never starts from another's settings.
  const settings = useResource(async (): Promise<Settings> => ({ tenantId, ...(await getInbound(tenantId)) }), [tenantId]);
  const [loads, setLoads] = useState(0);
  const [refreshes, setRefreshes] = useState(0);
  const current = settings.data?.tenantId === tenantId ? settings.data : undefined;

  const choose = (next: MailList) => {
    const q = new URLSearchParams();
    if (query.tenant) q.set('tenant', query.tenant);
    if (next !== 'held') q.set('list', next);
    const s = q.toString();
    route(`${path}${s ? `?${s}` : ''}`, true);
  };

  if (settings.error instanceof ApiError && settings.error.status === 404) return <NotFound />;
  return (
    <Page title="Mail in">
      {picker}
      {settings.error ? (
        <ErrorNote error={settings.error} />
      ) : !current ? (
        <Loading />
      ) : (
        <>
          <AddressPanel address={current.value.address} />
          <PolicyForm
            key={`${tenantId}/${loads}`}
            tenantId={tenantId}
            settings={current}
            onSaved={(next) => settings.setData({ tenantId, ...next })}
            onReload={async () => {
              await settings.reload();
              setLoads((n) => n + 1);
              setTimeout(() => document.getElementById(POLICY_HEADING)?.focus());
            }}
          />
        </>
      )}
      <section class="panel" aria-labelledby="mail-lists-heading">
        <div class="mail-lists__head">
          <h2 id="mail-lists-heading">Received mail</h2>
          <button type="button" class="button button--small button--secondary" onClick={() => setRefreshes((n) => n + 1)}>
            Refresh<span class="visually-hidden"> the received mail</span>
          </button>
        </div>
        <ListTabs current={list} onChoose={choose} />
        <div role="tabpanel" id="mail-panel" aria-labelledby={`mail-tab-${list}`} tabIndex={0} class="mail-panel">
          <MailPager key={`${tenantId}/${list}/${refreshes}`} tenantId={tenantId} list={list} address={current?.value.address} />
        </div>
      </section>
      <StoppedAddresses tenantId={tenantId} />
    </Page>
  );
}
