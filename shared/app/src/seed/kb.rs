//! The demo's knowledge bases: Acme's help center (public guides in two categories, one for
//! its clients only, one for one organization) and Kre8ivTech's system KB (a public article and
//! one for partners and their clients). Written through the KB's own use cases, as its managers.

use kt_domain::kb::{Access, Content};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;

use crate::kb::articles::{self, Move};
use crate::kb::categories::{self, CategoryInput};
use crate::{AppError, AppState};

struct Guide {
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    tags: &'static [&'static str],
}

const PAYING: Guide = Guide {
    title: "Paying an invoice online",
    summary: "Pay by card from the invoice's page; the receipt follows by email.",
    body: "Open **Invoices**, choose the invoice and press **Pay**.\n\n## Cards\n\nVisa, Mastercard and American Express are accepted. Your card is never stored unless you ask us to keep it for next time.\n\n## Receipts\n\nA receipt is emailed the moment the payment lands, and every receipt stays on the invoice's page.\n",
    tags: &["billing", "payments"],
};

const TICKET: Guide = Guide {
    title: "Opening a support ticket",
    summary: "What to include so we can help on the first reply.",
    body: "Press **New ticket**, pick a category and describe what happened.\n\n1. Say what you expected and what you saw instead.\n2. Add a screenshot if you can.\n3. Tell us how urgent it is.\n\nYou can follow your ticket's place in the queue live.\n",
    tags: &["tickets"],
};

const PASSWORD: Guide = Guide {
    title: "Resetting your password",
    summary: "Forgot it? A link by email sets a new one.",
    body: "On the sign-in page choose **Forgot password** and enter your email address. The link is valid for an hour.\n",
    tags: &["account"],
};

const HOURS: Guide = Guide {
    title: "Our support hours",
    summary: "When we answer, and what counts as urgent out of hours.",
    body: "We answer Monday to Friday, 8:00 to 18:00. Critical tickets are answered around the clock.\n",
    tags: &["support"],
};

async fn write(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    g: &Guide,
    category: Option<&str>,
    access: Access,
) -> Result<(), AppError> {
    let content = Content {
        title: g.title.into(),
        body: g.body.into(),
        summary: g.summary.into(),
        category: category.map(str::to_owned),
        tags: g.tags.iter().map(|t| (*t).to_owned()).collect(),
        access,
        related: Vec::new(),
    };
    let a = articles::create(app, actor, tenant, content, None).await?;
    articles::change(app, actor, tenant, &a.value.id, Move::Publish(None), Some(a.version)).await?;
    Ok(())
}

async fn category(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    name: &str,
    position: u32,
) -> Result<String, AppError> {
    let input = CategoryInput { name: name.into(), description: String::new(), parent: None, position };
    Ok(categories::create(app, actor, tenant, input).await?.value.id)
}

/// Fills both knowledge bases (`pat`: Acme's partner; `staff`: Kre8ivTech's).
pub async fn demo_kb(
    app: &AppState,
    pat: &Actor,
    staff: &Actor,
    house: &Tenant,
    acme: &Tenant,
) -> Result<(), AppError> {
    let billing = category(app, pat, acme, "Billing", 1).await?;
    let support = category(app, pat, acme, "Getting help", 2).await?;
    write(app, pat, acme, &PAYING, Some(&billing), Access::Public).await?;
    write(app, pat, acme, &TICKET, Some(&support), Access::Public).await?;
    write(app, pat, acme, &HOURS, Some(&support), Access::Partner).await?;
    let account = category(app, staff, house, "Your account", 1).await?;
    write(app, staff, house, &PASSWORD, Some(&account), Access::Public).await?;
    write(app, staff, house, &TICKET, Some(&account), Access::Partner).await?;
    Ok(())
}
