//! Files answering forms, over HTTP: declared for a file, image or signature field (checked by
//! the field's own rules and the holder's quota), sent to a presigned URL, confirmed, carried by
//! one submission; read by those who may read the submission; counted against the right storage
//! (a client's organization, else the tenant's); removed by the sweep when never confirmed or
//! never submitted.

use axum::http::StatusCode;
use kt_domain::identity::{OrgId, TenantId, UserId};
use kt_domain::messaging::Holder;
use kt_test_support::{Browser, World, people};
use serde_json::{Value, json};

const BRIEF: &[u8] = b"%PDF-1.4 the brief\n";
const LOGO: &[u8] = b"\x89PNG\r\n\x1a\n logo";

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router()).await
}

async fn used(w: &World, holder: &Holder) -> u64 {
    let tenant = TenantId::try_from(w.acme_id.clone()).expect("tenant");
    kt_store::messaging::storage(w.state().store.as_ref(), &tenant, holder).await.expect("storage").0
}

async fn sweep(w: &World) -> usize {
    kt_app::forms::files::sweep(w.state()).await.expect("sweep")
}

/// Starts, sends and confirms a file for `field`; its id.
async fn uploaded(
    w: &World,
    who: &Browser,
    form: &str,
    field: &str,
    name: &str,
    ct: &str,
    bytes: &'static [u8],
) -> String {
    let uploads = format!("/api/v1/forms/{form}/uploads");
    let body = json!({"field": field, "filename": name, "content_type": ct, "size": bytes.len()});
    let started = w.post(&uploads, who, body).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let id = started.body["file"]["id"].as_str().expect("id").to_owned();
    w.upload(started.body["upload"]["url"].as_str().expect("url"), ct, bytes).await;
    let done = w.post(&format!("{uploads}/{id}/complete"), who, json!({})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["ready"], json!(true));
    id
}

fn document() -> Value {
    json!({"pages": [{"key": "p", "fields": [
        {"key": "name", "type": "text", "label": "Name"},
        {"key": "brief", "type": "file", "label": "Brief", "accept": ["application/pdf"], "max_bytes": 1000, "max": "2"},
        {"key": "logo", "type": "image", "label": "Logo"},
        {"key": "sign", "type": "signature", "label": "Signature"}
    ]}]})
}

#[tokio::test]
async fn files_answer_forms_and_go_with_one_submission_to_its_readers() {
    let w = world().await;
    let p = people(&w).await;
    let made = w.post("/api/v1/forms", &p.staff, json!({"name": "Assets", "document": document()})).await;
    let form = made.body["id"].as_str().expect("id").to_owned();
    assert_eq!(w.post(&format!("/api/v1/forms/{form}/publish"), &p.staff, json!(null)).await.status, StatusCode::OK);
    let uploads = format!("/api/v1/forms/{form}/uploads");
    let globex = Holder::Org(OrgId::try_from(w.globex_id.clone()).expect("org"));

    // Each refusal names the field at fault; no URL is made.
    let declare = |field: &str, ct: &str, size: usize| json!({"field": field, "filename": "x.bin", "content_type": ct, "size": size});
    let cases = [
        (declare("name", "application/pdf", 10), "field"),
        (declare("nope", "application/pdf", 10), "field"),
        (declare("brief", "image/png", 10), "content_type"),
        (declare("brief", "application/pdf", 5000), "content_type"),
        (declare("logo", "application/pdf", 10), "content_type"),
        (declare("brief", "text/html", 10), "content_type"),
    ];
    for (body, field) in cases {
        let r = w.post(&uploads, &p.dana, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.body);
        assert!(r.fields().contains(&field.to_owned()), "{body}: {:?}", r.fields());
    }
    let extra =
        json!({"field": "brief", "filename": "a.pdf", "content_type": "application/pdf", "size": 3, "path": "/"});
    assert_eq!(w.post(&uploads, &p.dana, extra).await.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields");

    // Nothing stored yet: not confirmed, not usable.
    let pending = w.post(&uploads, &p.dana, declare("brief", "application/pdf", BRIEF.len())).await;
    let pending_id = pending.body["file"]["id"].as_str().expect("id").to_owned();
    let early = w.post(&format!("{uploads}/{pending_id}/complete"), &p.dana, json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "nothing uploaded yet");
    let r = w
        .post(&format!("/api/v1/forms/{form}/submissions"), &p.dana, json!({"answers": {"brief": [pending_id]}}))
        .await;
    assert_eq!(r.fields(), ["answers.brief"], "{}", r.body);

    // Dana's files count against Globex's storage; the logo is an image, the signature one image.
    let brief = uploaded(&w, &p.dana, &form, "brief", "brief.pdf", "application/pdf", BRIEF).await;
    let logo = uploaded(&w, &p.dana, &form, "logo", "logo.png", "image/png", LOGO).await;
    let sign = uploaded(&w, &p.dana, &form, "sign", "signature.png", "image/png", LOGO).await;
    assert_eq!(used(&w, &globex).await, (BRIEF.len() + 2 * LOGO.len()) as u64);
    let mine = w.get(&format!("{uploads}/{brief}"), &p.dana).await;
    assert_eq!((mine.status, mine.body["filename"].as_str()), (StatusCode::OK, Some("brief.pdf")));
    assert_eq!(w.get(&format!("{uploads}/{brief}"), &p.olga).await.status, StatusCode::NOT_FOUND, "another's upload");
    let own = w.get(&format!("{uploads}/{brief}/download"), &p.dana).await;
    assert_eq!(w.download(own.body["url"].as_str().expect("url")).await.0, BRIEF);

    // Olga cannot carry Dana's file; a signature is one file.
    let theirs =
        w.post(&format!("/api/v1/forms/{form}/submissions"), &p.olga, json!({"answers": {"brief": [brief]}})).await;
    assert_eq!(theirs.fields(), ["answers.brief"], "{}", theirs.body);
    let two =
        w.post(&format!("/api/v1/forms/{form}/submissions"), &p.dana, json!({"answers": {"sign": [sign, logo]}})).await;
    assert_eq!(two.fields(), ["answers.sign"], "{}", two.body);

    let answers = json!({"answers": {"name": "Dana", "brief": [brief], "logo": [logo], "sign": sign}});
    let sent = w.post(&format!("/api/v1/forms/{form}/submissions"), &p.dana, answers.clone()).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(sent.body["values"]["brief"], json!([brief]));
    let sub = sent.body["id"].as_str().expect("id").to_owned();

    // A file goes with one submission only.
    let again = w.post(&format!("/api/v1/forms/{form}/submissions"), &p.dana, answers).await;
    assert!(again.fields().contains(&"answers.brief".to_owned()), "{}", again.body);

    // Those who read the submission see and download its files; others do not.
    let one = format!("/api/v1/tenants/{}/forms/{form}/submissions/{sub}", w.acme_id);
    let read = w.get(&one, &p.pat).await;
    let names: Vec<&str> =
        read.body["files"].as_array().expect("files").iter().filter_map(|f| f["filename"].as_str()).collect();
    assert_eq!(names, ["brief.pdf", "logo.png", "signature.png"], "{}", read.body);
    for who in [&p.staff, &p.pat, &p.dana] {
        let d = w.get(&format!("{one}/files/{brief}"), who).await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.body);
        assert_eq!(w.download(d.body["url"].as_str().expect("url")).await.0, BRIEF);
    }
    for who in [&p.olga, &p.sam, &p.drew] {
        assert_eq!(w.get(&format!("{one}/files/{brief}"), who).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        w.get(&format!("{one}/files/{pending_id}"), &p.staff).await.status,
        StatusCode::NOT_FOUND,
        "a file the submission does not carry"
    );

    // The sweep: the upload never confirmed goes after two hours; a confirmed one never
    // submitted after thirty days; what was submitted stays.
    let spare = uploaded(&w, &p.dana, &form, "brief", "spare.pdf", "application/pdf", BRIEF).await;
    assert_eq!(sweep(&w).await, 0, "nothing is old enough yet");
    w.clock.advance(time::Duration::hours(2));
    assert_eq!(sweep(&w).await, 1, "the upload never confirmed");
    assert_eq!(w.get(&format!("{uploads}/{pending_id}"), &p.dana).await.status, StatusCode::NOT_FOUND);
    let before = used(&w, &globex).await;
    let dana_id = w.get("/api/v1/me", &p.dana).await.body["user"]["id"].as_str().expect("id").to_owned();
    let (tenant, dana) =
        (TenantId::try_from(w.acme_id.clone()).expect("tenant"), UserId::try_from(dana_id).expect("user"));
    let kept = |id: String| {
        let (store, tenant, dana) = (w.state().store.clone(), tenant.clone(), dana.clone());
        async move { kt_store::forms::upload(store.as_ref(), &tenant, &dana, &id).await.expect("read").is_some() }
    };
    // (Sessions do not last thirty days: the store says what is left.)
    w.clock.advance(time::Duration::days(30));
    assert_eq!(sweep(&w).await, 1, "the file never submitted");
    assert!(!kept(spare).await, "removed");
    assert_eq!(used(&w, &globex).await, before - BRIEF.len() as u64, "uncounted");
    assert_eq!(sweep(&w).await, 0, "each once");
    assert!(kept(brief).await, "the submitted file stays");
}
