//! Files sent with messages, over HTTP: declared and checked by field, sent to a presigned URL,
//! confirmed, carried by one message, downloaded by members only; counted against the right
//! storage (a client's organization, else the tenant's); a deleted message's files, uploads never
//! confirmed and files never sent are removed by the sweep with their bytes and uncounted.

use axum::http::StatusCode;
use kt_domain::identity::{OrgId, TenantId};
use kt_domain::messaging::Holder;
use kt_test_support::{Browser, World, people};
use serde_json::{Value, json};

const NOTES: &[u8] = b"kick-off notes\n";

async fn world() -> World {
    kt_test_support::world(kt_fn_notifications::router()).await
}

fn conversations(w: &World) -> String {
    format!("/api/v1/tenants/{}/conversations", w.acme_id)
}

async fn id_of(w: &World, who: &Browser) -> String {
    w.get("/api/v1/me", who).await.body["user"]["id"].as_str().expect("user id").to_owned()
}

/// Starts, sends and confirms a text file; its id.
async fn uploaded(w: &World, who: &Browser, conv: &str, name: &str) -> String {
    let files = format!("{}/{conv}/attachments", conversations(w));
    let body = json!({"filename": name, "content_type": "text/plain", "size": NOTES.len()});
    let started = w.post(&files, who, body).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let id = started.body["attachment"]["id"].as_str().expect("id").to_owned();
    w.upload(started.body["upload"]["url"].as_str().expect("url"), "text/plain", NOTES).await;
    let done = w.post(&format!("{files}/{id}/complete"), who, json!({})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    id
}

async fn used(w: &World, holder: &Holder) -> u64 {
    let tenant = TenantId::try_from(w.acme_id.clone()).expect("tenant");
    kt_store::messaging::storage(w.state().store.as_ref(), &tenant, holder).await.expect("storage").0
}

async fn sweep(w: &World) -> usize {
    kt_app::messaging::files::sweep(w.state()).await.expect("sweep")
}

#[tokio::test]
async fn files_travel_with_messages_to_members_only_and_count_against_the_sender_s_storage() {
    let w = world().await;
    let p = people(&w).await;
    let dana = id_of(&w, &p.dana).await;
    let started = w.post(&conversations(&w), &p.pat, json!({"kind": "direct", "members": [dana]})).await;
    let conv = started.body["id"].as_str().expect("id").to_owned();
    let files = format!("{}/{conv}/attachments", conversations(&w));
    let messages = format!("{}/{conv}/messages", conversations(&w));
    let globex = Holder::Org(OrgId::try_from(w.globex_id.clone()).expect("org"));

    // Bad files are refused before any URL exists, naming every field; strangers see nothing.
    let bad = w.post(&files, &p.dana, json!({"filename": "", "content_type": "text/html", "size": 0})).await;
    assert_eq!(
        (bad.status, bad.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["filename".to_owned(), "content_type".to_owned(), "size".to_owned()])
    );
    let extra = json!({"filename": "a.txt", "content_type": "text/plain", "size": 3, "path": "/etc"});
    assert_eq!(w.post(&files, &p.dana, extra).await.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields");
    let olga = json!({"filename": "a.txt", "content_type": "text/plain", "size": 3});
    assert_eq!(w.post(&files, &p.olga, olga).await.status, StatusCode::NOT_FOUND, "not a member");

    // Dana uploads; until confirmed it cannot be sent; once sent, it is the message's.
    let body = json!({"filename": "notes.txt", "content_type": "text/plain", "size": NOTES.len()});
    let pending = w.post(&files, &p.dana, body).await;
    let pending_id = pending.body["attachment"]["id"].as_str().expect("id").to_owned();
    let early = w.post(&format!("{files}/{pending_id}/complete"), &p.dana, json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "nothing uploaded yet");
    let unconfirmed = w.post(&messages, &p.dana, json!({"body": "See file", "attachments": [pending_id]})).await;
    assert_eq!(unconfirmed.fields(), ["attachments[0]"], "{}", unconfirmed.body);
    let file = uploaded(&w, &p.dana, &conv, "kick-off.txt").await;
    assert_eq!(used(&w, &globex).await, NOTES.len() as u64, "a client's file counts against its organization");
    let theirs = w.post(&messages, &p.pat, json!({"body": "Mine?", "attachments": [file]})).await;
    assert_eq!(theirs.fields(), ["attachments[0]"], "only the uploader sends a file");
    let sent = w.post(&messages, &p.dana, json!({"body": "Notes attached", "attachments": [file]})).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(sent.body["attachments"][0]["filename"], "kick-off.txt");
    assert_eq!(sent.body["attachments"][0]["size"], NOTES.len());
    let twice = w.post(&messages, &p.dana, json!({"body": "Again", "attachments": [file]})).await;
    assert_eq!(twice.fields(), ["attachments[0]"], "a file goes with one message");
    let nonsense = w.post(&messages, &p.dana, json!({"body": "Again", "attachments": ["../x"]})).await;
    assert_eq!(nonsense.fields(), ["attachments[0]"]);

    // Members download it; others do not.
    let download = format!("{files}/{file}/download");
    let dl = w.get(&download, &p.pat).await;
    assert_eq!(dl.status, StatusCode::OK, "{}", dl.body);
    let (bytes, disposition) = w.download(dl.body["url"].as_str().expect("url")).await;
    assert_eq!(bytes, NOTES);
    assert!(disposition.is_some_and(|d| d.contains("kick-off.txt")));
    for stranger in [&p.olga, &p.sam] {
        assert_eq!(w.get(&download, stranger).await.status, StatusCode::NOT_FOUND);
    }

    // Pat's own file counts against the tenant's shared storage.
    let pats = uploaded(&w, &p.pat, &conv, "quote.txt").await;
    assert_eq!(used(&w, &Holder::Tenant).await, NOTES.len() as u64);
    assert_eq!(w.get(&format!("{files}/{pats}/download"), &p.dana).await.status, StatusCode::NOT_FOUND, "not sent yet");
    assert_eq!(w.get(&format!("{files}/{pats}/download"), &p.pat).await.status, StatusCode::OK, "the uploader's own");

    // Deleting the message takes its files: uncounted at once, gone with the sweep.
    let seq = sent.body["seq"].as_u64().expect("seq");
    assert_eq!(w.delete(&format!("{messages}/{seq}"), &p.dana).await.status, StatusCode::OK);
    assert_eq!(used(&w, &globex).await, 0);
    assert_eq!(w.get(&download, &p.pat).await.status, StatusCode::NOT_FOUND);
    assert_eq!(sweep(&w).await, 1, "the deleted message's file");
    let tenant = TenantId::try_from(w.acme_id.clone()).expect("tenant");
    let s = w.state().store.as_ref();
    assert!(kt_store::messaging::file(s, &tenant, &conv, &file).await.expect("read").is_none());
}

#[tokio::test]
async fn uploads_never_confirmed_and_files_never_sent_are_swept_with_their_bytes() {
    let w = world().await;
    let p = people(&w).await;
    let dana = id_of(&w, &p.dana).await;
    let started = w.post(&conversations(&w), &p.pat, json!({"kind": "direct", "members": [dana]})).await;
    let conv = started.body["id"].as_str().expect("id").to_owned();
    let files = format!("{}/{conv}/attachments", conversations(&w));
    let tenant = TenantId::try_from(w.acme_id.clone()).expect("tenant");
    let file = |id: String| {
        let (w, tenant, conv) = (&w, tenant.clone(), conv.clone());
        async move { kt_store::messaging::file(w.state().store.as_ref(), &tenant, &conv, &id).await.expect("read") }
    };

    let body = json!({"filename": "draft.txt", "content_type": "text/plain", "size": NOTES.len()});
    let abandoned: Value = w.post(&files, &p.pat, body).await.body;
    let abandoned_id = abandoned["attachment"]["id"].as_str().expect("id").to_owned();
    w.upload(abandoned["upload"]["url"].as_str().expect("url"), "text/plain", NOTES).await;
    let unsent = uploaded(&w, &p.pat, &conv, "unsent.txt").await;
    let blob = file(unsent.clone()).await.expect("unsent file").value.blob_key;
    assert_eq!(used(&w, &Holder::Tenant).await, NOTES.len() as u64);
    assert_eq!(sweep(&w).await, 0, "nothing is old enough yet");

    // An hour on, the confirmation is refused; two hours on, the sweep removes it and its bytes.
    w.clock.advance(time::Duration::minutes(61));
    let late = w.post(&format!("{files}/{abandoned_id}/complete"), &p.pat, json!({})).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    w.clock.advance(time::Duration::minutes(60));
    assert_eq!(sweep(&w).await, 1, "the upload never confirmed");
    assert!(file(abandoned_id).await.is_none());
    assert!(file(unsent.clone()).await.is_some(), "a confirmed file waits a day to be sent");

    // A day on, the confirmed file never sent goes too, and no longer counts.
    w.clock.advance(time::Duration::hours(23));
    assert_eq!(sweep(&w).await, 1, "the file never sent");
    assert!(file(unsent).await.is_none());
    assert!(w.state().blobs.head(&blob).await.expect("head").is_none(), "its bytes are gone");
    assert_eq!(used(&w, &Holder::Tenant).await, 0);
    assert_eq!(sweep(&w).await, 0, "each once");
}
