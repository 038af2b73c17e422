//! What each sample event's answer must be, and what later samples learn from it (a session, a
//! ticket's or an invoice's id).

use base64::Engine;
use serde_json::json;

use super::runtime::Answer;
use super::template::Resolved;
use super::{batch_failures, http, mail_out, value_of};

/// Checks one sample's answer and learns what later samples need (session, ticket id).
pub async fn check(
    path: &str,
    answer: &Answer,
    fill: &mut Vec<(String, String)>,
    sdk: &aws_config::SdkConfig,
    r: &Resolved,
) {
    match path {
        "identity/sign-in.json" => {
            let (status, body, cookies) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            let pairs: Vec<String> = cookies.iter().filter_map(|c| c.split(';').next().map(str::to_owned)).collect();
            let csrf = pairs.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).expect("csrf cookie").to_owned();
            let token =
                pairs.iter().find_map(|c| c.strip_prefix("__Host-kt_session=")).expect("session cookie").to_owned();
            fill.push(("__COOKIES__".into(), pairs.join("\", \"")));
            fill.push(("__CSRF__".into(), csrf));
            fill.push(("<access token>".into(), token));
        }
        "tickets/create.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 201, "{path}: {body}");
            assert!(body["number"].as_str().is_some_and(|n| n.starts_with("ACME-")), "{body}");
            let id = body["id"].as_str().expect("id").to_owned();
            fill.push(("__TICKET_ID__".into(), id.clone()));
            fill.push(("TICKET_ID".into(), id));
        }
        "search-indexer/batch.json" => {
            assert!(batch_failures(answer).is_empty(), "{path}: {answer:?}");
            let s3 = aws_sdk_s3::Client::new(sdk);
            let bucket = &r.refs["FilesBucket"];
            let listed = s3.list_objects_v2().bucket(bucket).prefix("search-index/").send().await.expect("list");
            let keys: Vec<String> = listed.contents().iter().filter_map(|o| o.key().map(str::to_owned)).collect();
            assert!(keys.contains(&"search-index/meta.json".to_owned()), "the index is carried to S3: {keys:?}");
        }
        "search-api/search.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            assert_eq!(body["total"], 1, "the API reads the ticket the indexer wrote: {body}");
            assert_eq!(
                body["hits"][0]["title_html"], "The <mark>contact</mark> <mark>form</mark> no longer sends",
                "{body}"
            );
        }
        "search-api/unanswered.json" => {
            let (status, body, _) = http(answer);
            assert_eq!((status, &body["total"]), (200, &json!(0)), "{path}: {body}");
        }
        "search-api/save.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 201, "{path}: {body}");
        }
        "tickets/list.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            assert!(body["items"].as_array().is_some_and(|i| !i.is_empty()), "the filed ticket is listed: {body}");
        }
        "tickets/position.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            assert_eq!(body["queue"]["position"], 1, "{body}");
        }
        "notifications/unread-messages.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            assert_eq!(body["total"], 0, "{body}");
        }
        "notifications/preferences.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            let status_kind = body["kinds"].as_array().and_then(|k| k.iter().find(|k| k["kind"] == "ticket_status"));
            assert_eq!(status_kind.map(|k| k["source"].clone()), Some(serde_json::json!("platform")), "{body}");
        }
        "health/get.json" | "notifications/list.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
        }
        "notifications/announcements-live.json" => {
            let (status, body, _) = http(answer);
            assert_eq!((status, body["items"].as_array().map(Vec::len)), (200, Some(0)), "{path}: {body}");
        }
        p if p.starts_with("ws/") => {
            let Answer::Response(res) = answer else { panic!("{path}: {answer:?}") };
            assert_eq!(res["statusCode"], 200, "{path}: {res}");
        }
        "relay/stream.json" => {
            assert_eq!(batch_failures(answer), vec!["222".to_owned()], "{path}: the broken record is reported");
            // The outbox entry reached the email queue.
            let url = &r.refs["EmailQueue"];
            let got = aws_sdk_sqs::Client::new(sdk)
                .receive_message()
                .queue_url(url)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("receive");
            assert_eq!(got.messages().len(), 1, "one message relayed to the email queue");
        }
        "events-worker/batch.json" => {
            assert_eq!(batch_failures(answer), vec!["e-2".to_owned()], "{path}: the malformed one fails")
        }
        "mail-worker/batch.json" => {
            let failed = batch_failures(answer);
            assert!(!failed.contains(&"m-1".to_owned()), "{path}: the well-formed mail is sent: {failed:?}");
            assert!(!failed.contains(&"m-3".to_owned()), "{path}: the letter is written and sent: {failed:?}");
            mail_out::sent(sdk, r, &value_of(fill, "__TENANT_ID__")).await;
            assert!(!failed.contains(&"t-1".to_owned()), "{path}: the notification text is sent: {failed:?}");
        }
        "inbound-mail/feedback.json" => {
            assert!(batch_failures(answer).is_empty(), "{path}: {answer:?}");
            mail_out::stopped(sdk, r, &value_of(fill, "__TENANT_ID__")).await;
        }
        "sweeps/schedule.json" => assert!(matches!(answer, Answer::Response(_)), "{path}: {answer:?}"),
        "operations/dead-letters.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            let dead = value_of(fill, "__DEAD_MESSAGE_ID__");
            let items = body["items"].as_array().cloned().unwrap_or_default();
            let item = items.iter().find(|i| i["message_id"] == dead.as_str()).unwrap_or_else(|| panic!("{body}"));
            assert!(item["reason"].as_str().is_some_and(|r| r.contains("not an event")), "{item}");
        }
        "operations/replay.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            assert_eq!(body["replayed"], 1, "{body}");
            // A receive may return only part of the queue: ask a few times before calling it lost.
            let sqs = aws_sdk_sqs::Client::new(sdk);
            let mut back = false;
            for _ in 0..10 {
                let got = sqs
                    .receive_message()
                    .queue_url(&r.refs["EventsQueue"])
                    .max_number_of_messages(10)
                    .wait_time_seconds(1)
                    .send()
                    .await
                    .expect("receive");
                if got.messages().iter().any(|m| m.body() == Some("{\"not\": \"an event\"}")) {
                    back = true;
                    break;
                }
            }
            assert!(back, "back in its queue");
        }
        "invoices/create.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 201, "{path}: {body}");
            assert_eq!((body["status"].as_str(), body["total"].as_str()), (Some("draft"), Some("309.99")), "{body}");
            fill.push(("__INVOICE_ID__".into(), body["id"].as_str().expect("id").to_owned()));
        }
        "invoices/send.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            assert!(body["number"].as_str().is_some_and(|n| n.starts_with("INV-") && n.ends_with("-0001")), "{body}");
        }
        "invoices/pdf.json" => {
            // Binary bodies travel base64-encoded through API Gateway.
            let Answer::Response(r) = answer else { panic!("{path}: {answer:?}") };
            assert_eq!(r["statusCode"], 200, "{path}: {r}");
            assert_eq!(r["isBase64Encoded"], true, "{path}: {r}");
            assert_eq!(r["headers"]["content-type"], "application/pdf", "{path}: {r}");
            let pdf = base64::engine::general_purpose::STANDARD
                .decode(r["body"].as_str().unwrap_or_default())
                .expect("base64 body");
            assert!(pdf.starts_with(b"%PDF-"), "{path}: not a PDF");
        }
        "invoices/webhook.json" => {
            let (status, body, _) = http(answer);
            assert_eq!((status, body["received"].as_str()), (200, Some("applied")), "{path}: {body}");
        }
        "invoices/list.json" => {
            let (status, body, _) = http(answer);
            assert_eq!(status, 200, "{path}: {body}");
            let id = value_of(fill, "__INVOICE_ID__");
            assert!(body["items"].as_array().is_some_and(|i| i.iter().any(|x| x["id"] == id.as_str())), "{body}");
        }
        other => panic!("no check for the sample event {other}: add one"),
    }
}
