//! The release of held notifications: one digest mail per person and period (and one text
//! saying how many, when texts were held for quiet hours), sent exactly once by the sweep.

use kt_domain::mail::template::TemplateKind;
use kt_domain::notification::preferences::{Channel, Delivery, Hold};
use kt_domain::tenancy::UserStatus;
use kt_platform::MailAddress;
use kt_store::accounts;
use kt_store::held::{self, Held, Release};
use time::OffsetDateTime;

use crate::identity::tenancy;
use crate::mail::letter::{Entry, Extra, Letter};
use crate::{AppError, AppState, mail, outbox};

/// What one sweep released.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Released {
    pub releases: usize,
    pub mails: usize,
    pub texts: usize,
    pub pushes: usize,
}

/// Sends every release due by `now`, once each.
pub async fn sweep(app: &AppState, now: OffsetDateTime) -> Result<Released, AppError> {
    let (due, hour) = held::due(app.store.as_ref(), now).await?;
    let mut out = Released::default();
    for r in due {
        let (mails, texts, pushes) = release(app, &r).await?;
        out.releases += 1;
        out.mails += mails;
        out.texts += texts;
        out.pushes += pushes;
    }
    held::set_cursor(app.store.as_ref(), hour).await?;
    Ok(out)
}

/// One person's release: the mail and text it sends, the sent marker and the due entry's
/// removal in one transaction. A release already sent (a second sweep) only loses its entry.
async fn release(app: &AppState, r: &Release) -> Result<(usize, usize, usize), AppError> {
    let store = app.store.as_ref();
    let items = held::at_release(store, &r.tenant, &r.user, r.at).await?;
    let mut ops = held::released_ops(r);
    let (mut mails, mut texts, mut pushes) = (0, 0, 0);
    let person = accounts::get_user(store, &r.tenant, &r.user).await?.map(|u| u.value);
    if let Some(person) = person.filter(|p| p.status == UserStatus::Active) {
        let portal = tenancy::get(app, &r.tenant).await?;
        let now = app.clock.now();
        let by_mail: Vec<&Held> = items.iter().filter(|h| h.channels.contains(&Channel::Email)).collect();
        if !by_mail.is_empty() {
            let letter = digest_letter(app, &portal, &person, &by_mail);
            ops.push(outbox::record(mail::QUEUE, mail::requested(app.ids.ulid(), now, &letter)?)?);
            mails = 1;
        }
        let by_push = items.iter().filter(|h| h.channels.contains(&Channel::Push)).count();
        if by_push > 0 {
            let what = if by_push == 1 { "1 notification".to_owned() } else { format!("{by_push} notifications") };
            let message = super::push::PushMessage {
                tenant: r.tenant.clone(),
                user: r.user.clone(),
                title: format!("{}: {what} while you were away", portal.branding.portal_name),
                body: heading(&items.iter().collect::<Vec<_>>()),
                url: format!("{}/notifications", crate::seed::portal_url(app, &portal)),
                tag: format!("release-{}", r.at.unix_timestamp()),
            };
            ops.push(outbox::record(mail::QUEUE, super::push::requested(app.ids.ulid(), now, &message)?)?);
            pushes = 1;
        }
        let by_text = items.iter().filter(|h| h.channels.contains(&Channel::Sms)).count();
        let phone =
            accounts::get_credentials(store, &r.tenant, &r.user).await?.and_then(|c| c.value.sms).map(|s| s.phone);
        if let (true, Some(phone)) = (by_text > 0, phone) {
            let title = if by_text == 1 { "1 notification".to_owned() } else { format!("{by_text} notifications") };
            let body = mail::text_body(
                &portal.branding.portal_name,
                &format!("{title} while you were away"),
                &crate::seed::portal_url(app, &portal),
            );
            ops.push(outbox::record(
                mail::QUEUE,
                mail::text_requested(app.ids.ulid(), Some(r.tenant.to_string()), now, &phone, &body)?,
            )?);
            texts = 1;
        }
    }
    match store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok((mails, texts, pushes))
        }
        Err(e) if e.is_conflict() => {
            store.delete(&r.key, kt_store::Cond::None).await?;
            Ok((0, 0, 0))
        }
        Err(e) => Err(e.into()),
    }
}

/// The heading of a release: the digest's period, else quiet hours.
fn heading(items: &[&Held]) -> String {
    let digest = items.iter().find_map(|h| match h.hold {
        Hold::Digest(d) => Some(d),
        Hold::QuietHours => None,
    });
    let n = items.len();
    let what = if n == 1 { "1 notification".to_owned() } else { format!("{n} notifications") };
    match digest {
        Some(Delivery::Hourly) => format!("Your hourly digest: {what}"),
        Some(Delivery::Weekly) => format!("Your weekly digest: {what}"),
        Some(_) => format!("Your daily digest: {what}"),
        None => format!("While your quiet hours were on: {what}"),
    }
}

/// One letter listing the held notifications, grouped by kind, each with its link.
fn digest_letter(
    app: &AppState,
    portal: &kt_domain::tenancy::Tenant,
    person: &kt_domain::tenancy::User,
    items: &[&Held],
) -> Letter {
    let base = crate::seed::portal_url(app, portal);
    let mut kinds: Vec<_> = items.iter().map(|h| h.kind).collect();
    kinds.sort();
    kinds.dedup();
    let groups = kinds
        .into_iter()
        .map(|kind| {
            let entries = items
                .iter()
                .filter(|h| h.kind == kind)
                .map(|h| Entry { title: h.title.clone(), body: h.body.clone(), url: format!("{base}{}", h.link) })
                .collect();
            (kind_label(kind).to_owned(), entries)
        })
        .collect();
    let mut letter =
        Letter::new(TemplateKind::Digest, portal, MailAddress::new(Some(&person.name), person.email.as_str()))
            .value("digest.title", heading(items))
            .value("digest.count", items.len().to_string());
    letter.extra = Some(Extra::Digest { groups });
    letter
}

fn kind_label(kind: kt_domain::notification::Kind) -> &'static str {
    use kt_domain::notification::Kind;
    match kind {
        Kind::TicketReceived => "Tickets you filed",
        Kind::TicketNew => "New tickets",
        Kind::TicketReply => "Replies",
        Kind::TicketNote => "Internal notes",
        Kind::TicketStatus => "Status changes",
        Kind::TicketAssigned => "Assigned to you",
        Kind::SlaAlert => "Service-level alerts",
        Kind::QueueNearFront => "Queue positions",
        Kind::InvoiceIssued => "Invoices",
        Kind::InvoiceReminder => "Invoice reminders",
        Kind::InvoicePayment => "Payments",
        Kind::InvoiceActivity => "Invoice activity",
        Kind::Mention => "Mentions",
        Kind::Message => "Messages",
        Kind::Announcement => "Announcements",
        Kind::ServiceRequestNew => "New service requests",
        Kind::ServiceRequestUpdate => "Service request updates",
    }
}
