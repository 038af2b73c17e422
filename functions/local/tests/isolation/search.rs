//! The victim's saved search and a ticket filing that showed suggestions: another person sees
//! neither; every search is answered from the whole index, so the victim's ticket, notes and
//! article must stay out of everyone else's results.

use axum::Router;
use axum::http::StatusCode;
use kt_app::AppState;
use serde_json::json;

use super::{Caller, call};

pub struct Victims {
    pub saved: String,
    pub filing: String,
}

pub async fn victims(router: &Router, tenant: &str, dana: &Caller, article: &str) -> Victims {
    let base = format!("/api/v1/tenants/{tenant}/search");
    let body = json!({"name": "Victim-saved-search", "query": "staging password"});
    let (made, s) = call(router, "post", &format!("{base}/saved"), "acme.localhost", Some(dana), Some(body)).await;
    assert_eq!(made, StatusCode::CREATED, "the victim saves a search: {s}");
    let body = json!({"shown": [article]});
    let (made, f) = call(router, "post", &format!("{base}/filings"), "acme.localhost", Some(dana), Some(body)).await;
    assert_eq!(made, StatusCode::CREATED, "the victim was shown a suggestion: {f}");
    Victims {
        saved: s["id"].as_str().expect("saved id").to_owned(),
        filing: f["id"].as_str().expect("filing id").to_owned(),
    }
}

/// Relays the outbox and runs the events worker and the search indexer until nothing is left,
/// so the victim's things are in the index the attackers search.
pub async fn index_everything(app: &AppState) {
    let relay = kt_app::outbox::Relay::new(app.store.clone(), app.queue.clone());
    let events = kt_fn_events_worker::dispatcher(app);
    let search = kt_fn_search::indexer::dispatcher(app);
    loop {
        let moved = relay.relay_pending(1000).await.expect("relay");
        let handled = events.poll_once(app.queue.as_ref(), std::time::Duration::ZERO).await.expect("events");
        let indexed = search.poll_once(app.queue.as_ref(), std::time::Duration::ZERO).await.expect("search");
        if moved + handled + indexed == 0 {
            break;
        }
    }
    assert!(app.search.count().await.expect("count") > 0, "the index holds the victims");
}
