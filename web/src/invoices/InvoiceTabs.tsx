// The invoice lists an issuer moves between: the invoices, the recurring invoices and, for a
// partner, the bills Kre8ivTech sends it (once the house tenant is known).
import { role } from '../app/session';
import { knownHouse } from './access';
import { recurringListPath } from './recurring';

interface Props {
  /** The tenant whose lists are shown. */
  tenantId: string;
  /** Whether it is the person's own tenant. */
  own: boolean;
  current: 'invoices' | 'recurring' | 'bills';
}

export function InvoiceTabs({ tenantId, own, current }: Props) {
  const partner = role.value === 'partner';
  const house = partner ? (own ? knownHouse() : tenantId) : null;
  // A partner's own tenant is where it issues; elsewhere it is billed.
  const issuerTenant = partner ? null : tenantId;
  const invoicesHref = issuerTenant && !own ? `/invoices?tenant=${encodeURIComponent(issuerTenant)}` : '/invoices';
  const recurringHref = issuerTenant ? recurringListPath(issuerTenant, own) : '/invoices/recurring';
  const page = (which: Props['current']) => (current === which ? 'page' : undefined);
  return (
    <nav class="invoice-views" aria-label="Invoice lists">
      <a href={invoicesHref} aria-current={page('invoices')}>
        {partner ? 'Invoices to your clients' : 'Invoices'}
      </a>
      <a href={recurringHref} aria-current={page('recurring')}>
        Recurring invoices
      </a>
      {house && (
        <a href={`/invoices?tenant=${encodeURIComponent(house)}`} aria-current={page('bills')}>
          Bills from Kre8ivTech
        </a>
      )}
    </nav>
  );
}
