//! An idempotency key commits with the ticket it guards: a retry finds that ticket whenever
//! the first attempt stopped, two copies racing file one ticket, the key with another body is
//! refused, and a failed attempt leaves the key free.

mod common;

use common::actor;
use kt_app::AppError;
use kt_app::idempotency::Guard;
use kt_app::identity::tenancy;
use kt_app::tickets::{self, NewTicket};
use kt_app::wiring::{Settings, wire};
use kt_domain::ticket::{Category, Priority};

fn input(subject: &str) -> NewTicket {
    NewTicket {
        org: None,
        subject: subject.into(),
        description: "Once.".into(),
        priority: Priority::High,
        category: Category::Billing,
        tags: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_files_one_ticket_however_often_and_however_concurrently_it_is_sent() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = wire(&Settings::local(dir.path())).await.expect("wire").state;
    kt_app::seed::demo(&app).await.expect("seed");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let dana = actor(&app, "acme.localhost", "dana@globex.test").await;
    let scope = format!("T#{}#USER#{}#TICKETS", acme.id, dana.user);
    let body = br#"{"subject":"Racing"}"#;

    // Eight copies at once: one files, the others answer with its ticket.
    let guard = Guard::new(&scope, "race-1", body);
    let copies = (0..8).map(|_| {
        let (app, dana, acme, guard) = (app.clone(), dana.clone(), acme.clone(), guard.clone());
        tokio::spawn(async move {
            tickets::create_once(&app, &dana, &acme, input("Racing"), &Default::default(), Some(&guard)).await
        })
    });
    let outcomes: Vec<_> = futures::future::join_all(copies).await.into_iter().map(|r| r.expect("task")).collect();
    let filed: Vec<_> = outcomes.iter().map(|o| o.as_ref().expect("filed or replayed")).collect();
    assert_eq!(filed.iter().filter(|(_, replayed)| !replayed).count(), 1, "one copy filed");
    assert!(filed.iter().all(|(t, _)| t.id == filed[0].0.id), "every copy answers with that ticket");

    // Later retries (after a crash, say) find it too; another body under the key is refused.
    let (again, replayed) =
        tickets::create_once(&app, &dana, &acme, input("Racing"), &Default::default(), Some(&guard))
            .await
            .expect("retry");
    assert_eq!((again.id.clone(), replayed), (filed[0].0.id.clone(), true));
    let other = Guard::new(&scope, "race-1", br#"{"subject":"Other"}"#);
    let refused = tickets::create_once(&app, &dana, &acme, input("Other"), &Default::default(), Some(&other)).await;
    assert!(matches!(refused, Err(AppError::Invalid(ref f)) if f[0].field == "Idempotency-Key"), "{refused:?}");

    // A failed attempt (bad input) records nothing: the fixed request runs under the same key.
    let fixing = Guard::new(&scope, "fix-1", b"{}");
    let bad = tickets::create_once(&app, &dana, &acme, input(" "), &Default::default(), Some(&fixing)).await;
    assert!(matches!(bad, Err(AppError::Invalid(_))));
    let (fixed, replayed) =
        tickets::create_once(&app, &dana, &acme, input("Fixed"), &Default::default(), Some(&fixing))
            .await
            .expect("fixed");
    assert_eq!((fixed.subject.as_str(), replayed), ("Fixed", false));

    let (mine, _) =
        kt_app::tickets::listing::list(&app, &dana, &acme, &Default::default(), 100, None).await.expect("list");
    assert_eq!(mine.iter().filter(|t| t.subject == "Racing").count(), 1, "one Racing ticket in all");
}
