//! The isolation harness: walks every operation of the OpenAPI document and calls it, on seeded
//! data, as users of another tenant (on the victim's host and on their own host with the
//! victim's ids) and as a client of another organization of the same tenant. Anything but
//! 401/403/404 fails, naming the route. New routes are covered as they appear in the document;
//! a new path parameter must say below which victim resource it takes.

#[path = "isolation/forms.rs"]
mod forms;
#[path = "isolation/kb.rs"]
mod kb;
#[path = "isolation/mail.rs"]
mod mail;
#[path = "isolation/messaging.rs"]
mod messaging;
#[path = "isolation/search.rs"]
mod search;
#[path = "isolation/service.rs"]
mod service;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::identity::accounts::{NewUser, create_org, create_user};
use kt_app::identity::tenancy::{self, NewTenant};
use kt_app::wiring::{Settings, wire};
use kt_domain::identity::Role;
use kt_domain::tenancy::TenantKind;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Operations anyone may call without being signed in.
const PUBLIC: [(&str, &str); 18] = [
    ("get", "/api/v1/health"),
    ("get", "/api/v1/branding"),
    ("get", "/api/v1/branding/logo"),
    ("get", "/api/v1/branding/theme.css"),
    ("post", "/api/v1/auth/sign-in"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/magic-link"),
    ("post", "/api/v1/auth/magic-link/redeem"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/complete"),
    ("post", "/api/v1/auth/invitation/accept"),
    ("post", "/api/v1/auth/sign-in/totp-setup"),
    ("post", "/api/v1/auth/sign-in/sms"),
    ("post", "/api/v1/auth/sign-in/verify"),
    ("get", "/api/v1/openapi.json"),
    // The mailed survey link is its own credential (sealed: one ticket, its requester).
    ("get", "/api/v1/surveys/{token}"),
    ("post", "/api/v1/surveys/{token}"),
    // The payment provider's events: no session, a signature with the tenant's own secret.
    ("post", "/api/v1/webhooks/stripe/{tenant_id}"),
];

/// Path parameters that pick among the caller's own things (not another party's resource):
/// a route with only these is tried like a route without parameters.
const OWN_PARAMS: [&str; 1] = ["factor"];

const PASSWORD: &str = "Harness-Lantern-Quiet-47";

struct Caller {
    label: &'static str,
    host: &'static str,
    cookie: String,
    csrf: String,
}

async fn call(
    router: &Router,
    method: &str,
    path: &str,
    host: &str,
    caller: Option<&Caller>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method.to_uppercase().as_str())
        .uri(path)
        .header(header::HOST, host)
        .header("x-requested-with", "harness");
    if let Some(c) = caller {
        req = req.header(header::COOKIE, &c.cookie).header("x-csrf-token", &c.csrf);
    }
    let body = match body {
        Some(b) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let res = router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn sign_in(router: &Router, label: &'static str, host: &'static str, email: &str, password: &str) -> Caller {
    let req = Request::post("/api/v1/auth/sign-in")
        .header(header::HOST, host)
        .header("x-requested-with", "harness")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"email": email, "password": password}).to_string()))
        .expect("request");
    let res = router.clone().oneshot(req).await.expect("response");
    assert_eq!(res.status(), StatusCode::OK, "{label} signs in");
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .collect();
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).unwrap_or_default().to_owned();
    Caller { label, host, cookie: cookies.join("; "), csrf }
}

/// A plausible body for a request schema, so handlers get past parsing to the policy.
fn sample(schema: &Value, doc: &Value) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        return sample(&doc["components"]["schemas"][name], doc);
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return json!({});
    };
    let mut out = serde_json::Map::new();
    for (name, prop) in props {
        // A documented example is a valid value by definition.
        if let Some(example) = prop.get("example").or_else(|| prop.get("examples").and_then(|e| e.get(0))) {
            out.insert(name.clone(), example.clone());
            continue;
        }
        // Nested objects get plausible bodies of their own; named texts (`Name`, `Id`) are
        // strings like any other.
        // An optional object (`oneOf: [null, {$ref}]`) is sampled as the object.
        let prop = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|k| prop.get(*k).and_then(Value::as_array))
            .flatten()
            .find(|alt| alt.get("$ref").is_some() || alt.get("properties").is_some())
            .unwrap_or(prop);
        let prop = match prop.get("$ref").and_then(Value::as_str) {
            Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap_or_default()],
            None => prop,
        };
        if prop.get("properties").is_some() {
            out.insert(name.clone(), sample(prop, doc));
            continue;
        }
        out.insert(name.clone(), plausible(name, prop));
    }
    Value::Object(out)
}

/// A plausible value of one field or parameter named `name` with schema `prop`.
fn plausible(name: &str, prop: &Value) -> Value {
    // A word from the documented list: the harness's own choice when the list holds it.
    if let Some(words) = prop.get("enum").and_then(Value::as_array) {
        let preferred = ["client", "suspended", "in_progress", "high"];
        return words
            .iter()
            .find(|w| preferred.iter().any(|p| w == p))
            .or(words.first())
            .cloned()
            .unwrap_or(Value::Null);
    }
    if name.ends_with("_id") || name == "ticket" || name == "into_ticket" {
        return json!("01JD00000000000000000000G0");
    }
    if name == "from" || name == "to" {
        return json!("2026-12");
    }
    if name.ends_with("_date") {
        return json!("2026-12-01");
    }
    match name {
        "email" => json!("harness@victim.test"),
        "password" => json!(PASSWORD),
        "role" => json!("client"),
        "slug" => json!("harness"),
        "ticket_prefix" => json!("HX"),
        "status" => json!("suspended"),
        // Optional fields are typed like `["boolean", "null"]`.
        _ => match prop
            .get("type")
            .and_then(|t| t.as_str().or_else(|| t.as_array()?.iter().filter_map(Value::as_str).find(|t| *t != "null")))
        {
            Some("array") => json!([]),
            Some("integer") | Some("number") => json!(1),
            Some("boolean") => json!(false),
            _ => json!("Harness"),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_route_serves_another_tenant_or_organization() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut wired = wire(&Settings::local(dir.path())).await.expect("wire");
    portal::wire_search(&mut wired.state, dir.path()).expect("search index");
    let app = wired.state.clone();
    kt_app::seed::demo(&app).await.expect("seed");
    let beta = tenancy::create(
        &app,
        &NewTenant { name: "Beta Studio".into(), slug: "beta".into(), ticket_prefix: "BETA".into() },
        TenantKind::Partner,
    )
    .await
    .expect("beta");
    let beta_org = create_org(&app, None, &beta, "Beta Client", &Default::default()).await.expect("org");
    let user = |email: &str, role: Role, orgs| NewUser {
        email: email.into(),
        name: "Harness".into(),
        role,
        password: Some(PASSWORD.into()),
        orgs,
    };
    create_user(&app, None, &beta, user("boss@beta.test", Role::Partner, vec![]), &Default::default())
        .await
        .expect("beta partner");
    create_user(&app, None, &beta, user("bea@betaclient.test", Role::PartnerStaff, vec![]), &Default::default())
        .await
        .expect("beta staff");
    create_user(
        &app,
        None,
        &beta,
        user("cal@betaclient.test", Role::Client, vec![beta_org.id.clone()]),
        &Default::default(),
    )
    .await
    .expect("beta client");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let initech = kt_store::accounts::list_orgs(app.store.as_ref(), &acme.id, 10, None)
        .await
        .expect("orgs")
        .0
        .into_iter()
        .find(|o| o.name == "Initech")
        .expect("initech");
    create_user(
        &app,
        None,
        &acme,
        user("olga@initech.test", Role::Client, vec![initech.id.clone()]),
        &Default::default(),
    )
    .await
    .expect("initech-only client");

    let router = portal::api(app.clone());
    let (_, doc) = call(&router, "get", "/api/v1/openapi.json", "localhost", None, None).await;

    // The victim: Dana of Globex, a client of Acme, and Acme's resources.
    let dana = sign_in(&router, "victim", "acme.localhost", "dana@globex.test", "Globex-Demo-Client-2026").await;
    let (_, me) = call(&router, "get", "/api/v1/me", "acme.localhost", Some(&dana), None).await;
    let (_, sessions) = call(&router, "get", "/api/v1/auth/sessions", "acme.localhost", Some(&dana), None).await;
    // An API key of the victim tenant's partner.
    let pat =
        sign_in(&router, "victim partner", "acme.localhost", "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let (_, created) = call(
        &router,
        "post",
        "/api/v1/auth/api-keys",
        "acme.localhost",
        Some(&pat),
        Some(json!({"name": "CI", "kind": "read_only"})),
    )
    .await;
    let victim_key = created["api_key"]["id"].as_str().expect("victim key").to_owned();
    let acme_path = format!("/api/v1/tenants/{}/domains", acme.id);
    let (requested, _) = call(
        &router,
        "post",
        &acme_path,
        "acme.localhost",
        Some(&pat),
        Some(json!({"host": "portal.acme-agency.test"})),
    )
    .await;
    assert_eq!(requested, StatusCode::CREATED, "the victim partner requests a domain");
    // A ticket of the victim's organization.
    let tickets_path = format!("/api/v1/tenants/{}/tickets", acme.id);
    let (filed, ticket) = call(
        &router,
        "post",
        &tickets_path,
        "acme.localhost",
        Some(&dana),
        Some(json!({"subject": "Victim ticket", "description": "Private", "priority": "high", "category": "billing"})),
    )
    .await;
    assert_eq!(filed, StatusCode::CREATED, "the victim files a ticket: {ticket}");
    let victim_ticket = ticket["id"].as_str().expect("ticket id").to_owned();
    // Kre8ivTech staff log time on it (internal: no one else may see the entry).
    let house_staff =
        sign_in(&router, "house staff", "localhost", "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let (logged, entry) = call(
        &router,
        "post",
        &format!("{tickets_path}/{victim_ticket}/time-entries"),
        "localhost",
        Some(&house_staff),
        Some(json!({"minutes": 30, "note": "Private"})),
    )
    .await;
    assert_eq!(logged, StatusCode::CREATED, "staff log time: {entry}");
    let victim_entry = entry["id"].as_str().expect("entry id").to_owned();
    let (started, upload) = call(
        &router,
        "post",
        &format!("{tickets_path}/{victim_ticket}/attachments"),
        "acme.localhost",
        Some(&dana),
        Some(json!({"filename": "private.pdf", "content_type": "application/pdf", "size": 1000})),
    )
    .await;
    assert_eq!(started, StatusCode::CREATED, "the victim starts an upload: {upload}");
    let victim_attachment = upload["attachment"]["id"].as_str().expect("attachment id").to_owned();
    // The victim partner's canned response, and a second ticket linked to the first.
    let (made, canned) = call(
        &router,
        "post",
        &format!("/api/v1/tenants/{}/canned-responses", acme.id),
        "acme.localhost",
        Some(&pat),
        Some(json!({"title": "Private", "body": "Hi {{requester.first_name}}"})),
    )
    .await;
    assert_eq!(made, StatusCode::CREATED, "the victim partner writes a canned response: {canned}");
    let victim_canned = canned["id"].as_str().expect("canned id").to_owned();
    let (_, second) = call(
        &router,
        "post",
        &tickets_path,
        "acme.localhost",
        Some(&dana),
        Some(json!({"subject": "Victim ticket 2", "description": "Private", "priority": "low", "category": "billing"})),
    )
    .await;
    let linked = second["id"].as_str().expect("second ticket").to_owned();
    let (link_status, _) = call(
        &router,
        "post",
        &format!("{tickets_path}/{victim_ticket}/links"),
        "acme.localhost",
        Some(&pat),
        Some(json!({"ticket": linked})),
    )
    .await;
    assert_eq!(link_status, StatusCode::CREATED, "the victim partner links the two");
    // The victim partner's invoice to the victim's organization, sent (so its client sees it).
    let victim_org = me["organizations"][0]["id"].as_str().unwrap_or_default().to_owned();
    let invoices_path = format!("/api/v1/tenants/{}/invoices", acme.id);
    let (drafted, invoice) = call(
        &router,
        "post",
        &invoices_path,
        "acme.localhost",
        Some(&pat),
        Some(json!({"billed": {"org_id": victim_org}, "lines": [{"description": "Private work", "quantity": "1", "unit_price": "100"}]})),
    )
    .await;
    assert_eq!(drafted, StatusCode::CREATED, "the victim partner drafts an invoice: {invoice}");
    let victim_invoice = invoice["id"].as_str().expect("invoice id").to_owned();
    let (sent, _) =
        call(&router, "post", &format!("{invoices_path}/{victim_invoice}/send"), "acme.localhost", Some(&pat), None)
            .await;
    assert_eq!(sent, StatusCode::OK, "the victim partner sends it");
    // A credit note on it, and a recurring invoice for the victim's organization.
    let (credited, note) = call(
        &router,
        "post",
        &format!("{invoices_path}/{victim_invoice}/credit-notes"),
        "acme.localhost",
        Some(&pat),
        Some(json!({"amount": "10", "reason": "Private credit"})),
    )
    .await;
    assert_eq!(credited, StatusCode::CREATED, "the victim partner credits it: {note}");
    let victim_note = note["id"].as_str().expect("note id").to_owned();
    // A payment recorded on it (its receipt is a route of its own).
    let (recorded, payment) = call(
        &router,
        "post",
        &format!("{invoices_path}/{victim_invoice}/payments"),
        "acme.localhost",
        Some(&pat),
        Some(json!({"amount": "5", "method": "bank_transfer"})),
    )
    .await;
    assert_eq!(recorded, StatusCode::CREATED, "the victim partner records a payment: {payment}");
    let victim_payment = payment["entry"]["id"].as_str().expect("payment id").to_owned();
    let (scheduled, schedule) = call(
        &router,
        "post",
        &format!("/api/v1/tenants/{}/recurring-invoices", acme.id),
        "acme.localhost",
        Some(&pat),
        Some(json!({"billed": {"org_id": victim_org}, "lines": [{"description": "Private retainer", "quantity": "1", "unit_price": "500"}], "frequency": "monthly", "start_on": "2028-01-01"})),
    )
    .await;
    assert_eq!(scheduled, StatusCode::CREATED, "the victim partner schedules a recurring invoice: {schedule}");
    let victim_schedule = schedule["id"].as_str().expect("schedule id").to_owned();
    // A conversation of the victim with its partner, a message with a file, a push browser.
    let dana_id = me["user"]["id"].as_str().unwrap_or_default().to_owned();
    let talk = messaging::victims(&router, &wired, acme.id.as_str(), &pat, &dana, &dana_id, &victim_org).await;
    // The victim's answers to a form the house shares with everyone.
    let house_staff =
        sign_in(&router, "house staff", "localhost", "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let answers = forms::victims(&router, &wired, &house_staff, &dana).await;
    let victim_request = service::victim(&router, acme.id.as_str(), &victim_org, &dana).await;
    let victim_project = service::victim_project(&router, acme.id.as_str(), &victim_org, &pat).await;
    let victim_quote = service::victim_quote(&router, acme.id.as_str(), &victim_org, &victim_request, &pat).await;
    let victim_kb = kb::victims(&router, &wired, acme.id.as_str(), &victim_org, &pat).await;
    let victim_search = search::victims(&router, acme.id.as_str(), &dana, &victim_kb.article).await;
    let victim_mail = mail::victim(&app).await;
    let victim_stopped = mail::stopped(&app, acme.id.as_str()).await;
    search::index_everything(&app).await;
    let victim_param = |name: &str| -> String {
        match name {
            "tenant_id" => me["user"]["tenant"].as_str().unwrap_or_default().to_owned(),
            "session_id" => sessions[0]["id"].as_str().unwrap_or_default().to_owned(),
            "key_id" => victim_key.clone(),
            "host" => "portal.acme-agency.test".to_owned(),
            "user_id" => me["user"]["id"].as_str().unwrap_or_default().to_owned(),
            "org_id" => me["organizations"][0]["id"].as_str().unwrap_or_default().to_owned(),
            "factor" => "totp".to_owned(),
            "ticket_id" => victim_ticket.clone(),
            "entry_id" => victim_entry.clone(),
            "attachment_id" => victim_attachment.clone(),
            "canned_id" => victim_canned.clone(),
            "linked_id" => linked.clone(),
            "invoice_id" => victim_invoice.clone(),
            "credit_note_id" => victim_note.clone(),
            "payment_id" => victim_payment.clone(),
            "conversation_id" => talk.conversation.clone(),
            "file_id" => talk.file.clone(),
            "announcement_id" => talk.announcement.clone(),
            "seq" => "1".to_owned(),
            "form_id" => answers.form.clone(),
            "submission_id" => answers.submission.clone(),
            "upload_id" => answers.upload.clone(),
            "request_id" => victim_request.clone(),
            "quote_id" => victim_quote.clone(),
            "project_id" => victim_project.clone(),
            "category_id" => victim_kb.category.clone(),
            "article_id" => victim_kb.article.clone(),
            "image_id" => victim_kb.image.clone(),
            "saved_id" => victim_search.saved.clone(),
            "filing_id" => victim_search.filing.clone(),
            "mail_id" => victim_mail.clone(),
            "email" => victim_stopped.clone(),
            // Every tenant has every kind of mail's template (its own or the default).
            "kind" => "magic_link".to_owned(),
            // Types are the house's: any id shows whether the route lets anyone but super
            // admins change one.
            "type_id" => "maintenance".to_owned(),
            "version" => "1".to_owned(),
            "device_id" => talk.device.clone(),
            // The tenant's defaults for its clients.
            "role" => "client".to_owned(),
            "recurring_id" => victim_schedule.clone(),
            "party_kind" => "orgs".to_owned(),
            "party_id" => victim_org.clone(),
            // Any intent id: the route must refuse before it looks for one.
            "intent_id" => "pi_local_01JD00000000000000000000PI".to_owned(),
            // Rules are the house's, not a tenant's: any id shows whether the route lets
            // anyone but Kre8ivTech staff in.
            "rule_id" => "01JD00000000000000000000RR".to_owned(),
            other => panic!("path parameter {{{other}}} has no victim resource in the isolation harness: add one"),
        }
    };

    let other_tenant = [
        sign_in(&router, "partner of another tenant", "beta.localhost", "boss@beta.test", PASSWORD).await,
        sign_in(&router, "partner staff of another tenant", "beta.localhost", "bea@betaclient.test", PASSWORD).await,
        sign_in(&router, "client of another tenant", "beta.localhost", "cal@betaclient.test", PASSWORD).await,
        sign_in(
            &router,
            "direct client of the house",
            "localhost",
            "drew@directclient.test",
            "Direct-Demo-Client-2026",
        )
        .await,
    ];
    let other_org =
        sign_in(&router, "client of another organization", "acme.localhost", "olga@initech.test", PASSWORD).await;

    let victim_ids = [
        victim_ticket.clone(),
        victim_invoice.clone(),
        victim_note.clone(),
        victim_payment.clone(),
        talk.conversation.clone(),
        talk.file.clone(),
        victim_schedule.clone(),
        talk.device.clone(),
        talk.announcement.clone(),
        answers.submission.clone(),
        answers.upload.clone(),
        victim_request.clone(),
        victim_quote.clone(),
        victim_project.clone(),
        service::MARKER.to_owned(),
        kb::MARKER.to_owned(),
        victim_kb.article.clone(),
        victim_kb.image.clone(),
        victim_search.saved.clone(),
        victim_search.filing.clone(),
        "Victim-saved-search".to_owned(),
        forms::MARKER.to_owned(),
        me["user"]["id"].as_str().unwrap_or_default().to_owned(),
        me["organizations"][0]["id"].as_str().unwrap_or_default().to_owned(),
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    let paths = doc["paths"].as_object().expect("paths");
    for (template, ops) in paths {
        for (method, op) in ops.as_object().expect("operations") {
            if PUBLIC.contains(&(method.as_str(), template.as_str())) {
                continue;
            }
            let params: Vec<String> =
                template.split('{').skip(1).filter_map(|s| s.split('}').next()).map(str::to_owned).collect();
            let mut path = template.clone();
            for p in &params {
                path = path.replace(&format!("{{{p}}}"), &victim_param(p));
            }
            // Required query parameters get plausible values, so the policy is what answers.
            let required: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .map(|p| {
                    let name = p["name"].as_str().unwrap_or_default();
                    let value = plausible(name, &p["schema"]);
                    format!("{name}={}", value.as_str().unwrap_or_default())
                })
                .collect();
            if !required.is_empty() {
                path = format!("{path}?{}", required.join("&"));
            }
            let names_victims = params.iter().any(|p| !OWN_PARAMS.contains(&p.as_str()));
            let body = op.get("requestBody").map(|b| sample(&b["content"]["application/json"]["schema"], &doc));
            let mut attempts: Vec<(&Caller, &str)> = Vec::new();
            for attacker in &other_tenant {
                // Their credentials on the victim's portal...
                attempts.push((attacker, "acme.localhost"));
                // ...and the victim's ids on their own portal.
                if names_victims {
                    attempts.push((attacker, attacker.host));
                }
            }
            if names_victims {
                attempts.push((&other_org, "acme.localhost"));
            }
            for (caller, host) in attempts {
                let (status, reply) = call(&router, method, &path, host, Some(caller), body.clone()).await;
                checked += 1;
                let leaks = victim_ids.iter().any(|id| reply.to_string().contains(id.as_str()));
                if forms::shared(template) || service::shared(template) {
                    if leaks || status.is_server_error() {
                        failures.push(format!(
                            "{} {template} as {} on {host}: {status} {reply}",
                            method.to_uppercase(),
                            caller.label
                        ));
                    }
                    continue;
                }
                // A client of another organization of the same tenant may list what is theirs
                // (a 200), and use the tenant's own collections (start a conversation of their
                // own), as long as nothing of the victim's is in the answer.
                let own_tenant_only = params.iter().all(|p| p == "tenant_id" || OWN_PARAMS.contains(&p.as_str()));
                let own_listing = std::ptr::eq(caller, &other_org)
                    && ((method == "get" && status == StatusCode::OK) || own_tenant_only)
                    && !leaks;
                if own_listing {
                    continue;
                }
                if !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
                    failures.push(format!(
                        "{} {template} as {} on {host}: {status} {reply}",
                        method.to_uppercase(),
                        caller.label
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "routes that crossed a boundary:\n{}", failures.join("\n"));
    assert!(checked >= 40, "the harness exercised {checked} calls");
    println!("isolation: {checked} cross-tenant and cross-organization calls, {} crossed", failures.len());
    // The victim still has their session: nothing the attackers did reached it.
    assert_eq!(call(&router, "get", "/api/v1/me", "acme.localhost", Some(&dana), None).await.0, StatusCode::OK);
}
