//! The index carried through S3 (the moto server) from its one writer to a reader, as the
//! search functions run on AWS.

use std::sync::Arc;

use kt_platform::blobs::S3Blobs;
use kt_platform::search::{Change, Reach, SearchDoc, SearchIndex, SearchRequest};
use kt_search::MirroredIndex;

fn doc(id: &str, title: &str) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        tenant: "acme".into(),
        kind: "ticket".into(),
        title: title.into(),
        body: format!("{title} body"),
        notes: String::new(),
        status: None,
        priority: None,
        org: None,
        org_name: String::new(),
        from: String::new(),
        tags: vec![],
        at: time::OffsetDateTime::now_utc(),
        audience: vec!["staff".into()],
        target: id.into(),
        label: id.into(),
    }
}

async fn found(index: &dyn SearchIndex, word: &str) -> usize {
    let r = SearchRequest {
        reach: vec![Reach { tenant: "acme".into(), audience: vec!["staff".into()], kinds: None, until: None }],
        words: vec![word.into()],
        limit: 10,
        ..Default::default()
    };
    index.search(&r).await.expect("search").total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_follows_the_writer_through_s3() {
    let endpoint = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT: run through scripts/test");
    let config = kt_platform::aws::emulator_config(&endpoint).await;
    let bucket = format!("search-{}", ulid::Ulid::new().to_string().to_lowercase());
    let s3 = S3Blobs::new(&config, bucket);
    s3.ensure_bucket().await.expect("bucket");
    let blobs: Arc<dyn kt_platform::Blobs> = Arc::new(s3);
    let (wdir, rdir, wdir2) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let writer = MirroredIndex::writer(blobs.clone(), "search-index", wdir.path());
    writer.apply(&[Change::Put(Box::new(doc("t1", "Printer jammed")))]).await.expect("apply");
    let reader = MirroredIndex::reader(blobs.clone(), "search-index", rdir.path());
    assert_eq!(found(&reader, "printer").await, 1, "the reader starts from the stored copy");
    assert!(reader.apply(&[Change::Remove("t1".into())]).await.is_err(), "a reader does not write");

    for i in 0..12 {
        writer
            .apply(&[Change::Put(Box::new(doc(&format!("t{}", i + 2), &format!("Scanner offline {i}"))))])
            .await
            .unwrap();
    }
    writer.apply(&[Change::Remove("t1".into())]).await.unwrap();
    tokio::time::sleep(kt_search::mirror::REFRESH).await;
    assert_eq!(found(&reader, "scanner").await, 12, "the reader refreshes after a second");
    assert_eq!(found(&reader, "printer").await, 0);

    // A writer started elsewhere (a new execution environment) continues from the stored copy.
    drop(writer);
    let next = MirroredIndex::writer(blobs.clone(), "search-index", wdir2.path());
    assert_eq!(next.count().await.unwrap(), 12);
    next.apply(&[Change::Put(Box::new(doc("t99", "Router rebooting")))]).await.unwrap();
    tokio::time::sleep(kt_search::mirror::REFRESH).await;
    assert_eq!(found(&reader, "router").await, 1);
    assert_eq!(found(&reader, "scanner").await, 12);
}
