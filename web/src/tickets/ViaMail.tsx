// The mark on a ticket, or a reply, that came by email: "By email", the original email to
// download and, for the people who work tickets, how the mail authenticated (SPF, DKIM, DMARC).
// Clients see the mark on everything and the original of the mails they sent themselves (another
// person's original may quote what was cut from the reply).
import type { MailOrigin } from '../mail/api';
import { OriginalEmail, VerdictBadge } from '../mail/MailBits';

interface Props {
  tenantId: string;
  origin: MailOrigin;
  /** The viewer works tickets (staff, partners, partner staff): the verdicts are shown. */
  manages: boolean;
  /** An internal note's original is for those who work tickets only. */
  internal?: boolean;
  /** The viewer sent this mail: a client may download the originals of their own mails. */
  own?: boolean;
  /** What it is the original of, for screen readers ("of this ticket"). */
  of: string;
}

export function ViaMail({ tenantId, origin, manages, internal = false, own = false, of }: Props) {
  return (
    <div class="via-mail">
      <span class="badge badge--mail">
        <span aria-hidden="true">✉</span> <span>By email</span>
      </span>
      {manages && <VerdictBadge verdicts={origin.verdicts} />}
      {(manages || (own && !internal)) && <OriginalEmail tenantId={tenantId} mailId={origin.mail_id} of={of} />}
    </div>
  );
}
