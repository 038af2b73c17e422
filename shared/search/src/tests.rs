use kt_platform::search::{Change, Order, Reach, SearchDoc, SearchIndex, SearchRequest};
use time::macros::datetime;

use super::*;

fn doc(id: &str, tenant: &str, kind: &str, title: &str, body: &str, audience: &[&str]) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        tenant: tenant.into(),
        kind: kind.into(),
        title: title.into(),
        body: body.into(),
        notes: String::new(),
        status: Some("open".into()),
        priority: Some("high".into()),
        org: Some("org1".into()),
        org_name: "Globex Corporation".into(),
        from: "Dana Scully dana@globex.test".into(),
        tags: vec!["Billing".into()],
        at: datetime!(2026-11-10 12:00 UTC),
        audience: audience.iter().map(|a| (*a).into()).collect(),
        target: id.into(),
        label: id.into(),
    }
}

fn reach(tenant: &str, audience: &[&str]) -> Reach {
    Reach { tenant: tenant.into(), audience: audience.iter().map(|a| (*a).into()).collect(), kinds: None, until: None }
}

fn ask(words: &[&str], reach: Vec<Reach>) -> SearchRequest {
    SearchRequest { reach, words: words.iter().map(|w| (*w).into()).collect(), limit: 10, ..Default::default() }
}

async fn sample() -> TantivyIndex {
    let index = TantivyIndex::in_memory().unwrap();
    index
        .apply(&[
            Change::Put(Box::new(SearchDoc {
                notes: "Zebrafish: the relay drops their mail".into(),
                ..doc(
                    "t1",
                    "acme",
                    "ticket",
                    "Password reset fails",
                    "I cannot reset my password <b>today</b>",
                    &["staff", "org:o1"],
                )
            })),
            Change::Put(Box::new(doc(
                "t2",
                "acme",
                "ticket",
                "Invoice question",
                "The invoice total looks wrong",
                &["staff", "org:o2"],
            ))),
            Change::Put(Box::new(doc(
                "n1",
                "acme",
                "ticket",
                "Password reset fails",
                "internal: customer is on the legacy plan",
                &["staff"],
            ))),
            Change::Put(Box::new(doc(
                "t3",
                "globex",
                "ticket",
                "Password expired",
                "password expired again",
                &["staff"],
            ))),
        ])
        .await
        .unwrap();
    index
}

fn ids(page: &kt_platform::search::SearchPage) -> Vec<&str> {
    let mut v: Vec<&str> = page.hits.iter().map(|h| h.id.as_str()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn prefixes_and_typos_match_within_the_reach_only() {
    let index = sample().await;
    let client = vec![reach("acme", &["org:o1"])];
    for typed in ["p", "pas", "passw", "pasword", "passwrod"] {
        let page = index.search(&ask(&[typed], client.clone())).await.unwrap();
        assert_eq!(ids(&page), ["t1"], "{typed}");
        assert_eq!(page.total, 1);
    }
    let staff = vec![reach("acme", &["staff"])];
    assert_eq!(ids(&index.search(&ask(&["password"], staff.clone())).await.unwrap()), ["n1", "t1"]);
    assert_eq!(ids(&index.search(&ask(&["legacy"], client)).await.unwrap()), Vec::<&str>::new(), "notes unseen");
    assert!(index.search(&ask(&["password"], vec![])).await.unwrap().hits.is_empty(), "no reach, nothing");
    assert!(index.search(&ask(&["zebrafish"], staff.clone())).await.unwrap().hits.is_empty(), "notes need leave");
    let mut notes = ask(&["zebrafish"], staff.clone());
    notes.notes = true;
    let page = index.search(&notes).await.unwrap();
    assert_eq!(ids(&page), ["t1"]);
    assert_eq!(page.hits[0].snippet_html, "<mark>Zebrafish</mark>: the relay drops their mail");
    let other = index.search(&ask(&["expired"], staff)).await.unwrap();
    assert!(other.hits.is_empty(), "another tenant's documents stay out");
}

#[tokio::test]
async fn phrases_exclusions_filters_and_snippets() {
    let index = sample().await;
    let staff = vec![reach("acme", &["staff"])];
    let mut r = ask(&[], staff.clone());
    r.phrases = vec!["reset my password".into()];
    assert_eq!(ids(&index.search(&r).await.unwrap()), ["t1"]);
    r.phrases = vec!["password my reset".into()];
    assert!(index.search(&r).await.unwrap().hits.is_empty(), "order matters in a phrase");
    let mut r = ask(&["password"], staff.clone());
    r.excluded = vec!["legacy".into()];
    assert_eq!(ids(&index.search(&r).await.unwrap()), ["t1"]);
    let mut r = ask(&[], staff.clone());
    r.from = vec!["dana".into()];
    r.orgs = vec!["glob".into()];
    r.tags = vec!["billing".into()];
    r.statuses = vec!["open".into()];
    r.after = Some(datetime!(2026-11-01 0:00 UTC));
    r.before = Some(datetime!(2026-11-11 0:00 UTC));
    r.order = Order::Newest;
    r.count_kinds = true;
    let page = index.search(&r).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.kinds, vec![("ticket".to_owned(), 3)]);
    r.before = Some(datetime!(2026-11-10 0:00 UTC));
    assert_eq!(index.search(&r).await.unwrap().total, 0, "before is exclusive of later days");
    let page = index.search(&ask(&["pasword"], vec![reach("acme", &["org:o1"])])).await.unwrap();
    let hit = &page.hits[0];
    assert_eq!(hit.title_html, "<mark>Password</mark> reset fails");
    assert_eq!(hit.snippet_html, "I cannot reset my <mark>password</mark> &lt;b&gt;today&lt;/b&gt;");
}

#[tokio::test]
async fn changes_replace_and_remove_idempotently() {
    let index = sample().await;
    let staff = vec![reach("acme", &["staff"])];
    let changed = doc("t2", "acme", "ticket", "Refund request", "please refund", &["staff"]);
    for _ in 0..2 {
        index.apply(&[Change::Put(Box::new(changed.clone()))]).await.unwrap();
    }
    assert!(index.search(&ask(&["invoice"], staff.clone())).await.unwrap().hits.is_empty());
    assert_eq!(ids(&index.search(&ask(&["refund"], staff.clone())).await.unwrap()), ["t2"]);
    for _ in 0..2 {
        index.apply(&[Change::Remove("t2".into())]).await.unwrap();
    }
    assert!(index.search(&ask(&["refund"], staff)).await.unwrap().hits.is_empty());
    assert_eq!(index.count().await.unwrap(), 3);
    index.clear().await.unwrap();
    assert_eq!(index.count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_directory_index_reopens_with_its_documents() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = TantivyIndex::open(dir.path()).unwrap();
        assert!(index.created());
        index.apply(&[Change::Put(Box::new(doc("t1", "acme", "ticket", "Kept", "kept", &["staff"])))]).await.unwrap();
    }
    let index = TantivyIndex::open(dir.path()).unwrap();
    assert!(!index.created());
    assert_eq!(index.count().await.unwrap(), 1);
}

#[test]
fn snippets_cut_around_the_first_match() {
    let long = format!("{} needle {}", "hay ".repeat(100), "straw ".repeat(100));
    let s = highlight(&long, &["needle".into()], 120);
    assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
    assert!(s.contains("<mark>needle</mark>"), "{s}");
    assert!(s.len() < 160, "{}", s.len());
    assert_eq!(highlight("Café crème", &["cafe".into()], 200), "<mark>Café</mark> crème");
    assert_eq!(distance_for("abc"), 0);
    assert_eq!(distance_for("abcd"), 1);
    assert_eq!(distance_for("abcdefgh"), 2);
}
