//! Eight weeks of demo history, so a fresh portal shows what it is for: the partner's brand and
//! logo, canned responses, an assignment rule, and a few dozen tickets across tenants,
//! organizations, priorities and statuses with their conversations, internal notes, files,
//! time logged, ratings and service-level outcomes (one ticket warned, one breached).
//!
//! Everything goes through the use cases, as people would have done it, on a clock set to
//! when each step happened: every counter, activity line, notification and report agrees
//! with what the tickets say. The service-level sweep runs as the clock passes, as it would
//! have. A marker item makes a second run change nothing.

use std::sync::Arc;

use kt_domain::ManualClock;
use kt_domain::identity::{Email, OrgId, Role, TenantSlug, TicketId, UserId};
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Font, Tenant};
use kt_domain::ticket::{Category, Priority, Status};
use kt_domain::workflow::Strategy;
use kt_store::{Cond, Item, Key, accounts, tenants};
use time::{Duration, OffsetDateTime};

use crate::identity::branding::{self, BrandingInput};
use crate::identity::tenancy;
use crate::tickets::assignment::{self, RuleInput};
use crate::tickets::canned::{self, CannedInput};
use crate::tickets::conversation::{self, NewMessage};
use crate::tickets::time_entries::{self, NewTimeEntry};
use crate::tickets::{self, Change, NewTicket, attachments, satisfaction};
use crate::{AppError, AppState};

const LOGO: &[u8] = include_bytes!("acme-logo.png");

fn marker() -> Key {
    Key::new("DEMO", "HISTORY")
}

/// What a demo ticket went through after it was filed.
#[derive(Clone, Copy)]
enum Story {
    /// Answered after `reply` minutes by `agent`, resolved `resolve` hours after filing; rated
    /// by the requester when `rating` is not 0; closed a week later when `closed`.
    Done { agent: usize, reply: i64, resolve: i64, rating: u8, closed: bool },
    /// Taken and answered, still being worked.
    Working { agent: usize, reply: i64 },
    /// Answered with a question; waiting for the client.
    Asked { agent: usize, reply: i64 },
    /// Waiting in the queue for someone.
    Waiting,
}

struct Spec {
    house: bool,
    /// Index into [`REQUESTERS`] of the tenant.
    requester: usize,
    subject: &'static str,
    description: &'static str,
    priority: Priority,
    category: Category,
    /// Minutes before now it was filed.
    filed: i64,
    story: Story,
}

/// The clients who file: (email, organization) per tenant (house first, then the partner).
const REQUESTERS: [[(&str, &str); 3]; 2] = [
    [
        ("drew@directclient.test", "Direct Client Co"),
        ("drew@directclient.test", "Direct Client Co"),
        ("drew@directclient.test", "Direct Client Co"),
    ],
    [("dana@globex.test", "Globex"), ("ivy@initech.test", "Initech"), ("ivy@initech.test", "Globex")],
];

/// The people who work tickets: house staff first, then the partner's.
const AGENTS: [&str; 4] =
    ["staff@kre8ivtech.test", "admin@kre8ivtech.test", "sam@acme-agency.test", "pat@acme-agency.test"];

const DAY: i64 = 24 * 60;

use Category::{Billing, BugReport, FeatureRequest, GeneralInquiry, TechnicalSupport};
use Priority::{Critical, High, Low, Medium};

const fn done(agent: usize, reply: i64, resolve: i64, rating: u8) -> Story {
    Story::Done { agent, reply, resolve, rating, closed: false }
}

const fn closed(agent: usize, reply: i64, resolve: i64, rating: u8) -> Story {
    Story::Done { agent, reply, resolve, rating, closed: true }
}

#[rustfmt::skip]
const TICKETS: &[Spec] = &[
    Spec { house: true, requester: 0, subject: "Contact form emails stopped arriving", description: "Since Monday nothing from the **contact form** reaches our inbox. Spam folder is empty too.", priority: High, category: TechnicalSupport, filed: 55 * DAY, story: closed(0, 35, 6, 4) },
    Spec { house: false, requester: 0, subject: "Homepage hero image is blurry on retina screens", description: "The new hero photo looks soft on MacBooks. Can you export a 2x version?", priority: Low, category: BugReport, filed: 54 * DAY + 300, story: closed(2, 240, 30, 4) },
    Spec { house: false, requester: 1, subject: "Invoice 2231 shows the wrong VAT rate", description: "Invoice 2231 uses 19% but we are billed at the reduced rate. Please correct and resend.", priority: Medium, category: Billing, filed: 52 * DAY, story: closed(3, 90, 20, 5) },
    Spec { house: true, requester: 0, subject: "SSL certificate expires next week on shop subdomain", description: "Our monitoring warns that `shop.directclient.test` expires in 6 days.", priority: High, category: TechnicalSupport, filed: 50 * DAY, story: closed(0, 20, 3, 5) },
    Spec { house: false, requester: 0, subject: "Checkout button does nothing on iPhone", description: "Customers on iOS 18 tap **Pay now** and nothing happens. Android works.", priority: Critical, category: BugReport, filed: 48 * DAY, story: closed(0, 50, 7, 3) },
    Spec { house: false, requester: 2, subject: "Add a second admin to the Globex CMS", description: "Please give our new marketing lead Maria admin access to the CMS.", priority: Low, category: GeneralInquiry, filed: 46 * DAY, story: closed(2, 600, 26, 5) },
    Spec { house: true, requester: 0, subject: "Site search returns no results for product codes", description: "Searching for `DC-4410` finds nothing although the product exists.", priority: Medium, category: BugReport, filed: 44 * DAY, story: closed(1, 700, 50, 2) },
    Spec { house: false, requester: 1, subject: "Newsletter signup adds people twice", description: "Every signup from the footer form creates two contacts in the mailing list.", priority: Medium, category: BugReport, filed: 42 * DAY, story: closed(2, 45, 30, 4) },
    Spec { house: false, requester: 0, subject: "Quote for a multilingual version of the site", description: "We want German and French versions by spring. What would that cost?", priority: Low, category: FeatureRequest, filed: 40 * DAY, story: done(3, 1500, 100, 4) },
    Spec { house: true, requester: 0, subject: "Staging site asks for a password we do not have", description: "The staging link from last week's mail asks for basic auth.", priority: Medium, category: TechnicalSupport, filed: 38 * DAY, story: done(0, 25, 2, 5) },
    Spec { house: false, requester: 2, subject: "Product filter resets when going back", description: "After opening a product and pressing back, all filters on the category page are gone.", priority: Medium, category: BugReport, filed: 36 * DAY, story: done(2, 200, 40, 4) },
    Spec { house: false, requester: 0, subject: "Website down: 502 errors on every page", description: "Since 07:40 every page answers **502 Bad Gateway**.", priority: Critical, category: TechnicalSupport, filed: 34 * DAY, story: done(0, 12, 2, 5) },
    Spec { house: true, requester: 0, subject: "Update the team page with three new people", description: "Photos and bios attached in the shared folder.", priority: Low, category: GeneralInquiry, filed: 32 * DAY, story: done(1, 900, 70, 4) },
    Spec { house: false, requester: 1, subject: "Cookie banner covers the menu on phones", description: "On small phones the banner hides the menu button until it is accepted.", priority: High, category: BugReport, filed: 30 * DAY, story: done(2, 150, 28, 3) },
    Spec { house: false, requester: 0, subject: "Monthly analytics report is missing October", description: "The dashboard export stops at September 30.", priority: Low, category: TechnicalSupport, filed: 28 * DAY, story: done(3, 400, 30, 4) },
    Spec { house: true, requester: 0, subject: "Card payments declined since the Stripe update", description: "Several customers report declined cards since yesterday evening.", priority: Critical, category: Billing, filed: 26 * DAY, story: done(0, 40, 5, 5) },
    Spec { house: false, requester: 2, subject: "Blog posts show the wrong author", description: "All posts published this month show 'admin' as the author.", priority: Medium, category: BugReport, filed: 24 * DAY, story: done(2, 30, 12, 5) },
    Spec { house: false, requester: 0, subject: "Request: dark mode for the customer area", description: "Several customers asked for a dark theme in their account pages.", priority: Low, category: FeatureRequest, filed: 22 * DAY, story: done(3, 2000, 110, 0) },
    Spec { house: true, requester: 0, subject: "Emails from the shop land in spam at Outlook", description: "Order confirmations go to junk for Outlook users. SPF/DKIM?", priority: High, category: TechnicalSupport, filed: 20 * DAY, story: done(0, 60, 20, 4) },
    Spec { house: false, requester: 1, subject: "Map on the contact page does not load", description: "The map area stays grey; the console shows an API key error.", priority: Medium, category: BugReport, filed: 18 * DAY, story: done(2, 35, 6, 5) },
    Spec { house: false, requester: 0, subject: "Change the billing contact to accounts@globex.test", description: "Please send future invoices to accounts@globex.test.", priority: Low, category: Billing, filed: 16 * DAY, story: done(3, 120, 4, 5) },
    Spec { house: true, requester: 0, subject: "Slow product pages after the last deploy", description: "Product pages take 6-8 seconds to load since Tuesday.", priority: High, category: TechnicalSupport, filed: 14 * DAY, story: done(0, 15, 9, 5) },
    Spec { house: false, requester: 2, subject: "Careers page form rejects PDF CVs", description: "Applicants get 'file type not allowed' for PDFs.", priority: High, category: BugReport, filed: 12 * DAY, story: done(2, 20, 10, 4) },
    Spec { house: false, requester: 0, subject: "Add Apple Pay to checkout", description: "Our customers keep asking for Apple Pay.", priority: Medium, category: FeatureRequest, filed: 10 * DAY, story: done(0, 300, 60, 5) },
    Spec { house: true, requester: 0, subject: "Broken links in the footer after the menu change", description: "Privacy and Imprint in the footer lead to 404.", priority: Medium, category: BugReport, filed: 8 * DAY, story: done(1, 10, 3, 5) },
    Spec { house: false, requester: 1, subject: "Set up redirects for the old product URLs", description: "About 40 old URLs from the previous shop need 301 redirects; list attached.", priority: Medium, category: TechnicalSupport, filed: 6 * DAY, story: done(2, 25, 20, 0) },
    Spec { house: false, requester: 0, subject: "Event calendar shows times in the wrong time zone", description: "Events created for 10:00 Berlin show as 09:00.", priority: Medium, category: BugReport, filed: 5 * DAY, story: Story::Asked { agent: 2, reply: 50 } },
    Spec { house: true, requester: 0, subject: "Renew the domain directclient.test for two years", description: "Please renew before the end of the month and invoice us.", priority: Low, category: Billing, filed: 4 * DAY, story: Story::Working { agent: 0, reply: 120 } },
    Spec { house: false, requester: 2, subject: "Product images missing on the sale page", description: "The sale landing page shows empty boxes instead of images.", priority: High, category: BugReport, filed: 2 * DAY, story: Story::Working { agent: 2, reply: 40 } },
    Spec { house: false, requester: 1, subject: "Add a size guide to every product page", description: "A size chart popup like on the Globex site would help.", priority: Low, category: FeatureRequest, filed: DAY + 600, story: Story::Waiting },
    Spec { house: true, requester: 0, subject: "Our logo looks stretched in the invoice PDF", description: "The logo in generated invoices is squashed horizontally.", priority: Medium, category: BugReport, filed: DAY, story: Story::Waiting },
    Spec { house: false, requester: 0, subject: "Search results page is slow on mobile", description: "Search takes around 5 seconds on phones, under 1 on desktop.", priority: Medium, category: TechnicalSupport, filed: 400, story: Story::Waiting },
    Spec { house: false, requester: 2, subject: "Order confirmation shows last year's address", description: "The footer of order confirmations still has the old street address.", priority: High, category: BugReport, filed: 200, story: Story::Waiting },
    Spec { house: true, requester: 0, subject: "Shop checkout fails with a server error", description: "Every order since 10 minutes ago fails with **Error 500**. We are losing sales.", priority: Critical, category: TechnicalSupport, filed: 70, story: Story::Waiting },
];

/// Replies staff gave, by category: what a first answer says.
fn first_answer(c: Category) -> &'static str {
    match c {
        TechnicalSupport => "Thanks for the details. I can reproduce it and I'm looking into it now.",
        Billing => "Thanks, I've checked the account and will correct this today.",
        GeneralInquiry => "Happy to help. I'll set that up and let you know when it's done.",
        BugReport => "Thanks for reporting this. I can see the problem and I'm working on a fix.",
        FeatureRequest => "Great idea. I'll put together an estimate and a short plan for you.",
    }
}

/// One step of the demo, at a time.
enum Step {
    File,
    Assign(usize),
    Reply { agent: usize, body: &'static str, status: Option<Status> },
    Note(usize, &'static str),
    ClientReply(&'static str),
    Attach,
    Log(usize, u32),
    Status(usize, Status),
    Rate(u8),
}

/// Fills the demo history; `false` when it was there already (nothing changed).
pub async fn demo_history(app: &AppState) -> Result<bool, AppError> {
    if app.store.get(&marker()).await?.is_some() {
        return Ok(false);
    }
    let now = app.clock.now();
    let house = tenant(app, "kt").await?;
    let acme = tenant(app, "acme").await?;
    let clock = Arc::new(ManualClock::new(now - Duration::days(60)));
    let mut at = app.clone();
    at.clock = clock.clone();
    let people = People::load(app, &house, &acme).await?;

    clock.set(now - Duration::days(58));
    brand(&at, &people, &acme).await?;
    canned_responses(&at, &people, &house, &acme).await?;
    super::kb::demo_kb(&at, people.agent(3), people.agent(0), &house, &acme).await?;
    let rule_agent = people.agent(2).user.clone();
    let rule = RuleInput {
        name: "Initech feature requests".into(),
        enabled: true,
        position: 100,
        tenant: Some(acme.id.clone()),
        org: Some(people.org(&acme, "Initech")),
        categories: vec![FeatureRequest],
        agents: vec![rule_agent],
        strategy: Strategy::LeastLoaded,
        capacity: 8,
    };
    assignment::create_rule(&at, people.admin(), rule).await?;

    // Every ticket's steps, in the order they happened.
    let mut plan: Vec<(OffsetDateTime, usize, Step)> = Vec::new();
    for (i, spec) in TICKETS.iter().enumerate() {
        let filed = now - Duration::minutes(spec.filed);
        let m = |minutes: i64| filed + Duration::minutes(minutes);
        plan.push((filed, i, Step::File));
        if i % 7 == 3 {
            plan.push((m(2), i, Step::Attach));
        }
        let answer = first_answer(spec.category);
        match spec.story {
            Story::Waiting => {}
            Story::Working { agent, reply } => {
                plan.push((m(reply - 1), i, Step::Assign(agent)));
                plan.push((m(reply), i, Step::Reply { agent, body: answer, status: Some(Status::InProgress) }));
            }
            Story::Asked { agent, reply } => {
                plan.push((m(reply - 1), i, Step::Assign(agent)));
                let ask = "Could you tell me which page and which browser you used, and roughly when?";
                plan.push((m(reply), i, Step::Reply { agent, body: ask, status: Some(Status::PendingClient) }));
            }
            Story::Done { agent, reply, resolve, rating, closed } => {
                let resolved = resolve * 60;
                plan.push((m(reply - 1), i, Step::Assign(agent)));
                plan.push((m(reply), i, Step::Reply { agent, body: answer, status: Some(Status::InProgress) }));
                if i % 3 == 0 {
                    plan.push((
                        m(reply + 5),
                        i,
                        Step::Note(agent, "Root cause found; fix goes out with today's deploy."),
                    ));
                }
                if i % 4 == 1 && resolved > reply + 60 {
                    plan.push((
                        m((reply + resolved) / 2),
                        i,
                        Step::ClientReply("Thanks! Any idea when it will be fixed?"),
                    ));
                }
                if agent < 2 {
                    plan.push((m(resolved - 10), i, Step::Log(agent, 15 + (i as u32 % 5) * 15)));
                }
                let fixed = "This is fixed and live now. Let us know if anything still looks wrong.";
                plan.push((m(resolved), i, Step::Reply { agent, body: fixed, status: Some(Status::Resolved) }));
                if rating > 0 {
                    plan.push((m(resolved + 180), i, Step::Rate(rating)));
                }
                if closed {
                    plan.push((m(resolved + 7 * DAY), i, Step::Status(agent, Status::Closed)));
                }
            }
        }
    }
    plan.sort_by_key(|(t, i, _)| (*t, *i));

    let mut filed: Vec<Option<(Tenant, TicketId)>> = vec![None; TICKETS.len()];
    for (when, i, step) in plan {
        if when > now {
            continue;
        }
        // The sweep runs as time passes: warnings and breaches happen when they would have.
        clock.set(when);
        tickets::sla::sweep(&at, when).await?;
        let spec = &TICKETS[i];
        let t = if spec.house { &house } else { &acme };
        let (email, org) = REQUESTERS[usize::from(!spec.house)][spec.requester];
        let client = people.by_email(email);
        if let Step::File = step {
            let input = NewTicket {
                org: Some(people.org(t, org)),
                subject: spec.subject.into(),
                description: spec.description.into(),
                priority: spec.priority,
                category: spec.category,
                tags: vec![],
            };
            let ticket = tickets::create(&at, client, t, input, &Default::default()).await?;
            filed[i] = Some((t.clone(), ticket.id));
            continue;
        }
        let Some((t, id)) = filed[i].as_ref() else { continue };
        match step {
            Step::File => {}
            Step::Assign(agent) => {
                let change = Change { assignee: Some(Some(people.agent(agent).user.clone())), ..Change::default() };
                tickets::change(&at, people.agent(agent), t, id, change, None).await?;
            }
            Step::Reply { agent, body, status } => {
                let message = NewMessage { body: body.into(), internal: false, status };
                conversation::reply(&at, people.agent(agent), t, id, message).await?;
            }
            Step::Note(agent, body) => {
                let message = NewMessage { body: body.into(), internal: true, status: None };
                conversation::reply(&at, people.agent(agent), t, id, message).await?;
            }
            Step::ClientReply(body) => {
                let message = NewMessage { body: body.into(), internal: false, status: None };
                conversation::reply(&at, client, t, id, message).await?;
            }
            Step::Attach => {
                let (a, _) =
                    attachments::start_upload(&at, client, t, id, "screenshot.png", "image/png", LOGO.len() as u64)
                        .await?;
                at.blobs.put(&a.blob_key, LOGO.to_vec().into(), "image/png").await?;
                attachments::complete(&at, client, t, id, &a.id).await?;
            }
            Step::Log(agent, minutes) => {
                let entry =
                    NewTimeEntry { minutes, work_date: None, note: "Investigation and fix".into(), billable: true };
                time_entries::log(&at, people.agent(agent), t, id, entry).await?;
            }
            Step::Status(agent, status) => {
                tickets::change(&at, people.agent(agent), t, id, Change::status(status), None).await?;
            }
            Step::Rate(rating) => {
                let comment = match rating {
                    5 => "Quick and friendly, thank you!",
                    4 => "Good, took a little while.",
                    _ => "Fixed in the end, but it took too long.",
                };
                satisfaction::rate(&at, client, t, id, rating, comment).await?;
            }
        }
    }
    tickets::sla::sweep(app, now).await?;
    app.store.put(Item::new(marker(), serde_json::Map::new()), Cond::NotExists).await?;
    Ok(true)
}

async fn tenant(app: &AppState, slug: &str) -> Result<Tenant, AppError> {
    let id = tenants::by_slug(app.store.as_ref(), &TenantSlug::parse(slug)?).await?.ok_or(AppError::NotFound)?;
    tenancy::get(app, &id).await
}

/// The demo's people as actors, by email.
struct People {
    actors: Vec<(String, Actor)>,
}

impl People {
    async fn load(app: &AppState, house: &Tenant, acme: &Tenant) -> Result<Self, AppError> {
        let store = app.store.as_ref();
        let mut actors = Vec::new();
        let emails = AGENTS.iter().chain(REQUESTERS.iter().flatten().map(|(e, _)| e));
        for email in emails {
            if actors.iter().any(|(e, _)| e == email) {
                continue;
            }
            let mut found = None;
            for t in [house, acme] {
                if let Some(id) = accounts::user_by_email(store, &t.id, &Email::parse(email)?).await? {
                    found = Some((t, id));
                }
            }
            let (t, id): (&Tenant, UserId) = found.ok_or(AppError::NotFound)?;
            let user = accounts::get_user(store, &t.id, &id).await?.ok_or(AppError::NotFound)?.value;
            let orgs = if user.role == Role::Client { accounts::orgs_of(store, &t.id, &id).await? } else { vec![] };
            let actor = Actor {
                user: user.id,
                tenant: t.id.clone(),
                role: user.role,
                orgs,
                scopes: None,
                optional_enabled: false,
                tenant_bound: false,
            };
            actors.push(((*email).to_owned(), actor));
        }
        Ok(Self { actors })
    }

    fn by_email(&self, email: &str) -> &Actor {
        self.actors.iter().find(|(e, _)| e == email).map(|(_, a)| a).expect("every demo email is loaded")
    }

    fn agent(&self, i: usize) -> &Actor {
        self.by_email(AGENTS[i])
    }

    fn admin(&self) -> &Actor {
        self.agent(1)
    }

    fn org(&self, t: &Tenant, name: &str) -> OrgId {
        super::org_id(t, name)
    }
}

async fn brand(at: &AppState, people: &People, acme: &Tenant) -> Result<(), AppError> {
    let pat = people.agent(3);
    let input = BrandingInput {
        portal_name: acme.branding.portal_name.clone(),
        primary: "#6d28d9".into(),
        secondary: "#1e1b4b".into(),
        accent: "#c2410c".into(),
        font: Font::SystemUi,
        support_email: Some("help@acme-agency.test".into()),
        support_phone: Some("+49 30 1234 5678".into()),
        terms_url: None,
        privacy_url: None,
        mail_sender_name: Some("Acme Support Team".into()),
    };
    let acme = branding::update(at, pat, acme, &input, &Default::default()).await?;
    let (upload, _) = branding::start_logo_upload(at, pat, &acme, "image/png", LOGO.len() as u64).await?;
    let key = format!("tenants/{}/branding/logo-{upload}", acme.id);
    at.blobs.put(&key, LOGO.to_vec().into(), "image/png").await?;
    branding::confirm_logo(at, pat, &acme, &upload, &Default::default()).await?;
    Ok(())
}

async fn canned_responses(at: &AppState, people: &People, house: &Tenant, acme: &Tenant) -> Result<(), AppError> {
    let texts = [
        (
            "Looking into it",
            "Thanks {{requester.first_name}}, I'm looking into this now and will update you within the hour.",
            "look",
        ),
        ("Need more details", "Could you send a screenshot and tell me which browser and device you used?", "details"),
        ("Fixed and live", "This is fixed and live now. Let us know if anything still looks wrong.", "fixed"),
    ];
    for (t, who) in [(house, people.agent(0)), (acme, people.agent(3))] {
        for (title, body, shortcut) in texts {
            let input = CannedInput { title: title.into(), body: body.into(), shortcut: Some(shortcut.into()) };
            canned::create(at, who, t, input).await?;
        }
    }
    Ok(())
}
