//! The deployed shape: every function of `template.yaml` started as Lambda starts it.
//!
//! The test creates on the moto server the resources the template declares (table, queues with
//! their redrive policies, buckets, secrets with generated values), resolves each function's
//! environment from the template (Globals and its own, intrinsics resolved to those
//! resources), starts the function's binary with exactly that environment (plus what Lambda
//! itself sets) behind a Lambda Runtime API, and replays every sample event under `events/`
//! through it, checking each answer. Each function signs its AWS calls with its own access key,
//! so the moto launcher (`scripts/moto_server.py`) can tell which IAM actions it needed; they
//! must match its policy: nothing missing, nothing unused beyond [`UNEXERCISED`].

mod checks;
mod inbound;
mod mail_out;
mod runtime;
mod template;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kt_app::wiring::aws::{AwsWiring, Env};
use kt_platform::SystemClock;
use serde_json::{Value, json};

use runtime::{Answer, RuntimeApi};
use template::{Function, Resolved, Template, names};

/// Actions a policy grants that the replays cannot show being used, each with its reason.
const UNEXERCISED: &[(&str, &str, &str)] = &[
    ("identity", "s3:PutObject", "logo uploads are presigned: the browser uses the right"),
    ("identity", "s3:GetObject", "serving a logo; no sample event asks for one"),
    ("identity", "s3:DeleteObject", "replacing a logo; no sample event does"),
    ("identity", "sns:Publish", "SMS sign-in codes; the sample signs in with a password"),
    ("identity", "sns:CheckIfPhoneNumberIsOptedOut", "SMS sign-in codes, as above"),
    ("identity", "dynamodb:ConditionCheckItem", "conditions of admin transactions; no sample event edits users"),
    ("identity", "dynamodb:UpdateItem", "throttle counters of failed sign-ins; the sample signs in correctly"),
    ("tickets", "s3:PutObject", "attachment uploads are presigned: the browser uses the right"),
    ("tickets", "s3:GetObject", "attachment downloads are presigned, and confirmation reads the object"),
    ("tickets", "s3:DeleteObject", "removing an attachment; no sample event does"),
    ("tickets", "dynamodb:DeleteItem", "merges and unlinks; no sample event does"),
    ("tickets", "dynamodb:ConditionCheckItem", "conditions of merges and bulk changes"),
    ("invoices", "s3:GetObject", "logos on documents; the sample tenant has none"),
    ("notifications", "dynamodb:PutItem", "marking notifications read; the sample lists them"),
    ("notifications", "dynamodb:DeleteItem", "clearing notifications; the sample lists them"),
    ("notifications", "dynamodb:ConditionCheckItem", "conditions of read marks"),
    ("notifications", "dynamodb:UpdateItem", "unread counters; the sample lists them"),
    ("notifications", "execute-api:ManageConnections", "unread-count pushes after read marks"),
    ("notifications", "s3:PutObject", "message files are uploaded presigned: the browser uses the right"),
    ("notifications", "s3:GetObject", "message file downloads are presigned, and confirmation reads the object"),
    ("notifications", "s3:DeleteObject", "a confirmed upload that is not the declared file; no sample event sends one"),
    ("ws", "dynamodb:BatchGetItem", "position reads on subscribe; the sample pings"),
    ("ws", "dynamodb:Query", "topic lookups on subscribe; the sample pings"),
    ("ws", "dynamodb:ConditionCheckItem", "conditions of subscription transactions"),
    ("ws", "dynamodb:UpdateItem", "subscription counters"),
    ("ws", "execute-api:ManageConnections", "answers to subscribe; the sample pings"),
    ("events-worker", "dynamodb:BatchGetItem", "position reads for subscribers; no one subscribes in the samples"),
    ("events-worker", "dynamodb:UpdateItem", "assignment and notification counters; the sample changes no assignment"),
    ("events-worker", "dynamodb:ConditionCheckItem", "conditions of assignment transactions"),
    ("events-worker", "dynamodb:DeleteItem", "claims removed after a failed handling"),
    ("events-worker", "execute-api:ManageConnections", "pushes to subscribers; the sample queue has none"),
    ("sweeps", "dynamodb:BatchGetItem", "SLA sweeps over due tickets; the sample table has none due"),
    ("sweeps", "dynamodb:ConditionCheckItem", "conditions of escalation transactions"),
    ("sweeps", "dynamodb:DeleteItem", "abandoned uploads; none are pending"),
    ("sweeps", "dynamodb:PutItem", "breach marks; no ticket is due"),
    ("sweeps", "dynamodb:UpdateItem", "breach counters; no ticket is due"),
    ("sweeps", "dynamodb:GetItem", "reads of due tickets; none are due"),
    ("sweeps", "s3:DeleteObject", "bytes of abandoned uploads; none are pending"),
    ("sweeps", "s3:GetObject", "received mail a stopped process left; none is due"),
    ("sweeps", "s3:PutObject", "the files of such mail, as above"),
    ("invoices", "dynamodb:DeleteItem", "discarding drafts and removing a party's terms; no sample event does"),
    ("mail-worker", "dynamodb:GetItem", "reading the claim of a duplicate delivery; the sample has none"),
    ("mail-worker", "dynamodb:DeleteItem", "claims removed after a failed send"),
    ("search-api", "dynamodb:DeleteItem", "deleting a saved search; the samples save one"),
    ("search-indexer", "dynamodb:PutItem", "why a message failed; the sample batch succeeds"),
    ("search-indexer", "s3:DeleteObject", "segments merged away; one batch merges nothing"),
    ("search-indexer", "s3:ListBucket", "listing the stored copy when a start finds one; the first start finds none"),
];

fn moto() -> String {
    std::env::var("MOTO_ENDPOINT")
        .expect("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server")
}

fn bin_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    // target/debug/deps/deployed-<hash> -> target/debug
    exe.parent().and_then(|p| p.parent()).expect("target dir").to_path_buf()
}

/// Creates what the template declares on moto and answers Ref / GetAtt for it.
async fn provision(t: &Template, stage: &str) -> Resolved {
    let sdk = kt_platform::aws::emulator_config(&moto()).await;
    let mut r = Resolved::default();
    r.refs.insert("Stage".into(), stage.to_owned());
    let region_account = "us-east-1:123456789012";
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let mut resources = t.resources();
    // Dead-letter queues before the queues that name them.
    resources.sort_by_key(|(_, kind, props)| (kind == "AWS::SQS::Queue" && !props["RedrivePolicy"].is_null()) as u8);
    for (id, kind, props) in resources {
        match kind.as_str() {
            "AWS::DynamoDB::Table" => {
                let name = t.resolve(&props["TableName"], &r).expect("table name");
                let store = kt_store::DynamoStore::new(
                    aws_sdk_dynamodb::Client::new(&sdk),
                    name.clone(),
                    Arc::new(SystemClock),
                );
                store.ensure_table().await.expect("table");
                let arn = format!("arn:aws:dynamodb:{region_account}:table/{name}");
                r.attrs.insert((id.clone(), "StreamArn".into()), format!("{arn}/stream/2026-12-03T00:00:00.000"));
                r.attrs.insert((id.clone(), "Arn".into()), arn);
                r.refs.insert(id, name);
            }
            "AWS::SQS::Queue" => {
                let name = t.resolve(&props["QueueName"], &r).expect("queue name");
                let mut create = sqs.create_queue().queue_name(&name);
                if let Some(v) = props["VisibilityTimeout"].as_u64() {
                    create =
                        create.attributes(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout, v.to_string());
                }
                if !props["RedrivePolicy"].is_null() {
                    let target = t.resolve(&props["RedrivePolicy"]["deadLetterTargetArn"], &r).expect("dlq arn");
                    let max = props["RedrivePolicy"]["maxReceiveCount"].as_u64().expect("maxReceiveCount");
                    let policy = json!({"deadLetterTargetArn": target, "maxReceiveCount": max.to_string()});
                    create =
                        create.attributes(aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy, policy.to_string());
                }
                let url = create.send().await.expect("queue").queue_url.expect("url");
                r.attrs.insert((id.clone(), "Arn".into()), format!("arn:aws:sqs:{region_account}:{name}"));
                r.attrs.insert((id.clone(), "QueueName".into()), name);
                r.refs.insert(id, url);
            }
            "AWS::S3::Bucket" => {
                let name = format!("{stage}-{}", id.to_lowercase());
                kt_platform::blobs::S3Blobs::new(&sdk, name.clone()).ensure_bucket().await.expect("bucket");
                r.attrs.insert((id.clone(), "Arn".into()), format!("arn:aws:s3:::{name}"));
                r.refs.insert(id, name);
            }
            "AWS::SecretsManager::Secret" => {
                let name = t.resolve(&props["Name"], &r).expect("secret name");
                let value: String = (0..64).map(|_| char::from(b'a' + rand::random_range(0..26u8))).collect();
                let out = secrets.create_secret().name(&name).secret_string(value).send().await.expect("secret");
                r.refs.insert(id, out.arn.expect("arn"));
            }
            // Its Ref is its name; moto sends without checking it.
            "AWS::SES::ConfigurationSet" => {
                let name = t.resolve(&props["Name"], &r).expect("configuration set name");
                r.refs.insert(id, name);
            }
            "AWS::ApiGatewayV2::Api" | "AWS::Serverless::HttpApi" => {
                r.refs.insert(id.clone(), format!("{}{stage}", id.to_lowercase().chars().take(4).collect::<String>()));
            }
            _ => {}
        }
    }
    r
}

fn access_key(binary: &str) -> String {
    format!("AKIDKT{}", binary.to_uppercase().replace('-', ""))
}

/// A function binary running behind its own Runtime API.
struct Running {
    api: RuntimeApi,
    child: tokio::process::Child,
    started: Instant,
}

async fn start(f: &Function) -> Running {
    let api = RuntimeApi::start(&f.name).await;
    let mut cmd = tokio::process::Command::new(bin_dir().join(&f.binary));
    cmd.env_clear()
        .envs(&f.env)
        // What Lambda sets for every function, and the emulator standing in for AWS.
        .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", &f.name)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", access_key(&f.name))
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", moto())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let started = Instant::now();
    let child = cmd.spawn().unwrap_or_else(|e| panic!("start {}: {e}", f.binary));
    Running { api, child, started }
}

impl Running {
    async fn ready(&mut self, f: &Function) {
        if !self.api.wait_ready(Duration::from_secs(20)).await {
            let _ = self.child.start_kill();
            let out = self.child.wait_with_output_ref().await;
            panic!("{} did not start: init error {:?}; stderr:\n{out}", f.name, self.api.init_error());
        }
    }

    async fn invoke(&mut self, f: &Function, event: Value) -> Answer {
        match self.api.invoke(event, Duration::from_secs(f.timeout.max(10))).await {
            Ok(a) => a,
            Err(e) => {
                let _ = self.child.start_kill();
                panic!("{}: {e}; stderr:\n{}", f.binary, self.child.wait_with_output_ref().await);
            }
        }
    }
}

trait ChildExt {
    async fn wait_with_output_ref(&mut self) -> String;
}

impl ChildExt for tokio::process::Child {
    async fn wait_with_output_ref(&mut self) -> String {
        use tokio::io::AsyncReadExt;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.wait()).await;
        let mut err = String::new();
        if let Some(mut s) = self.stderr.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_string(&mut err)).await;
        }
        err
    }
}

fn sample(path: &str, fill: &[(String, String)]) -> Value {
    let mut raw = std::fs::read_to_string(format!("{}/../../events/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| format!("{path}: {e}"));
    for (k, v) in fill {
        raw = raw.replace(k.as_str(), v);
    }
    serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn http(answer: &Answer) -> (u16, Value, Vec<String>) {
    let r = match answer {
        Answer::Response(r) => r,
        Answer::Error(e) => panic!("an HTTP function answered with an error: {e}"),
    };
    let status = r["statusCode"].as_u64().unwrap_or_default() as u16;
    let body = r["body"].as_str().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
    let cookies = r["cookies"].as_array().into_iter().flatten().filter_map(|c| c.as_str().map(str::to_owned)).collect();
    (status, body, cookies)
}

fn batch_failures(answer: &Answer) -> Vec<String> {
    let Answer::Response(r) = answer else { panic!("a batch function answered with an error: {answer:?}") };
    r["batchItemFailures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["itemIdentifier"].as_str().map(str::to_owned))
        .collect()
}

async fn calls_of(key: &str) -> BTreeSet<String> {
    reqwest::get(format!("{}/_kt/calls?key={key}", moto())).await.expect("calls").json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_starts_with_the_template_environment_and_answers_every_sample_event() {
    let t = Template::load();
    let stage = format!("dep{}", &ulid::Ulid::new().to_string().to_lowercase()[20..]);
    let r = provision(&t, &stage).await;
    let functions: BTreeMap<String, Function> =
        t.functions(&r).expect("resolve functions").into_iter().map(|f| (f.name.clone(), f)).collect();
    let domain = functions["health"].env["PORTAL_DOMAIN"].clone();

    // The operator's steps: the sender identities verified in SES, the demo data seeded (through
    // the same wiring and secrets the functions use).
    let sdk = kt_platform::aws::emulator_config(&moto()).await;
    let mailer = kt_platform::mailer::SesMailer::new(&sdk);
    for identity in [functions["mail-worker"].env["PORTAL_MAIL_FROM"].as_str(), "acme.test"] {
        mailer.ensure_identity(identity).await.expect("ses identity");
    }
    let mut seed_env: Vec<(String, String)> = functions["tickets"].env.clone().into_iter().collect();
    seed_env.push(("AWS_ENDPOINT_URL".into(), moto()));
    let seeding = AwsWiring::new(Env::from_pairs(seed_env), Arc::new(SystemClock)).await.expect("wiring");
    let seeding = seeding.token_secret().await.expect("jwt").data_key().await.expect("data key").build();
    let logins = kt_app::seed::demo(&seeding).await.expect("seed");
    let acme = kt_app::identity::tenancy::resolve_host(&seeding, &format!("acme.{domain}")).await.expect("acme");
    let house_id = kt_app::identity::tenancy::resolve_host(&seeding, &domain).await.expect("house").id.to_string();
    // The operations samples act as the super admin; a message already dead in the events DLQ
    // is what they list and replay.
    let admin_token = super_admin_token(&seeding, &logins, &domain).await;
    let dead = aws_sdk_sqs::Client::new(&sdk)
        .send_message()
        .queue_url(&r.refs["EventsDLQ"])
        .message_body("{\"not\": \"an event\"}")
        .send()
        .await
        .expect("dead letter");
    let dead_id = dead.message_id.expect("message id");

    // Every sample event belongs to the function of its folder; every function has samples.
    let events_dir = format!("{}/../../events", env!("CARGO_MANIFEST_DIR"));
    let mut samples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in std::fs::read_dir(&events_dir).expect("events/") {
        let dir = dir.expect("entry").path();
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        assert!(functions.contains_key(&name), "events/{name}/ names no function of template.yaml");
        // Sample events are the folder's files (a folder inside, such as the mail corpus, is
        // what one of them uses).
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok().filter(|e| e.path().is_file()))
            .filter_map(|e| e.file_name().to_str().map(|f| format!("{name}/{f}")))
            .collect();
        files.sort();
        samples.insert(name, files);
    }
    for name in functions.keys() {
        assert!(samples.contains_key(name), "{name} has no sample events under events/{name}/");
    }

    let mut fill: Vec<(String, String)> = vec![
        ("acme.localhost".into(), format!("acme.{domain}")),
        ("__TENANT_ID__".into(), acme.id.to_string()),
        ("TENANT_ID".into(), acme.id.to_string()),
        ("__PORTAL_DOMAIN__".into(), domain.clone()),
        ("__ADMIN_TOKEN__".into(), admin_token),
        ("__DEAD_MESSAGE_ID__".into(), dead_id),
        ("__HOUSE_ID__".into(), house_id),
    ];
    let mut replayed = BTreeSet::new();
    let mut cold_starts = Vec::new();
    // Identity first (its sign-in gives the session the others use), then tickets (the ticket
    // the workers' samples name); the search indexer before the search API (which then finds
    // that ticket through the index the indexer carried to S3).
    let mut order: Vec<&String> = functions.keys().collect();
    order.sort_by_key(|n| match n.as_str() {
        "identity" => 0,
        "tickets" => 1,
        "search-indexer" => 2,
        _ => 3,
    });
    reqwest::Client::new().delete(format!("{}/_kt/calls", moto())).send().await.expect("reset calls");
    let mut problems = Vec::new();
    for name in order {
        let f = &functions[name];
        let mut running = start(f).await;
        running.ready(f).await;
        cold_starts.push((name.clone(), running.api.first_poll().map(|p| p - running.started)));
        for path in &samples[name] {
            if path == inbound::SAMPLE {
                inbound::replay(&mut running, f, &r, &domain, &acme.id).await;
                replayed.insert(path.clone());
                continue;
            }
            let mut event = sample(path, &fill);
            if path == "invoices/webhook.json" {
                sign_stripe_delivery(
                    &seeding,
                    &value_of(&fill, "__HOUSE_ID__"),
                    &value_of(&fill, "__INVOICE_ID__"),
                    &mut event,
                )
                .await;
            }
            let answer = running.invoke(f, event).await;
            checks::check(path, &answer, &mut fill, &sdk, &r).await;
            replayed.insert(path.clone());
        }
        let _ = running.child.start_kill();
        let _ = running.child.wait().await;

        let used = calls_of(&access_key(name)).await;
        let missing: Vec<_> = used.difference(&f.actions).collect();
        if !missing.is_empty() {
            problems.push(format!("{name} made calls its policy does not allow: {missing:?}"));
        }
        let documented: BTreeSet<&str> = UNEXERCISED.iter().filter(|(n, ..)| n == name).map(|(_, a, _)| *a).collect();
        for a in &documented {
            if !f.actions.contains(*a) {
                problems.push(format!("UNEXERCISED lists {a} for {name}, which its policy does not grant"));
            }
        }
        let unused: Vec<_> =
            f.actions.iter().filter(|a| !used.contains(*a) && !documented.contains(a.as_str())).collect();
        if !unused.is_empty() {
            problems.push(format!("{name}'s policy grants {unused:?}, which the replays never used (remove them or document why in UNEXERCISED)"));
        }
    }
    assert!(problems.is_empty(), "IAM policies and the calls made differ:\n{}", problems.join("\n"));
    let all: BTreeSet<String> = samples.values().flatten().cloned().collect();
    assert_eq!(replayed, all, "every sample event is replayed");
    eprintln!("process start -> first Runtime API poll (debug build): {cold_starts:?}");
}

/// What Stripe's side of a delivery needs: the house's Stripe account connected with a known
/// webhook secret (sealed with the deployed data key, as the route would), the sample invoice's
/// checkout pointer for the sample's PaymentIntent (as checkout writes it), and the delivery
/// signed now over its exact body.
async fn sign_stripe_delivery(app: &kt_app::AppState, house: &str, invoice: &str, event: &mut Value) {
    const SECRET: &str = "whsec_deployed_sample_secret";
    let house = kt_domain::identity::TenantId::try_from(house.to_owned()).expect("house id");
    let tenant = kt_app::identity::tenancy::get(app, &house).await.expect("house");
    let admin = kt_domain::policy::Actor {
        user: kt_domain::identity::UserId::new(ulid::Ulid::new()),
        tenant: house.clone(),
        role: kt_domain::identity::Role::SuperAdmin,
        orgs: Vec::new(),
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    };
    let keys = kt_app::invoices::checkout::StripeKeys {
        secret_key: "sk_test_deployedsamplekey",
        webhook_secret: SECRET,
        publishable_key: "pk_test_deployedsamplekey",
        bank_debits: false,
    };
    kt_app::invoices::checkout::connect(app, &admin, &tenant, keys).await.expect("connect stripe");
    let pointer = kt_store::entity::pointer_item(
        kt_app::invoices::checkout::intent_key(&house, "pi_deployed_sample"),
        "invoice",
        invoice,
    );
    app.store.put(pointer, kt_store::Cond::None).await.expect("checkout pointer");
    let body = event["body"].as_str().expect("body").to_owned();
    let signature =
        kt_platform::payments::webhook::sign(SECRET, time::OffsetDateTime::now_utc().unix_timestamp(), body.as_bytes());
    event["headers"]["stripe-signature"] = Value::String(signature);
}

fn value_of(fill: &[(String, String)], key: &str) -> String {
    fill.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// Signs the demo super admin in on the house portal, as the web app would.
async fn super_admin_token(app: &kt_app::AppState, logins: &[kt_app::seed::DemoLogin], domain: &str) -> String {
    let admin = logins.iter().find(|l| l.role == kt_domain::identity::Role::SuperAdmin).expect("a super admin");
    let house = kt_app::identity::tenancy::resolve_host(app, domain).await.expect("house");
    let client = kt_app::identity::sessions::ClientInfo::default();
    match kt_app::identity::sessions::sign_in_password(app, &house, &admin.email, &admin.password, &client).await {
        Ok(kt_app::identity::two_factor::SignIn::Session(s)) => s.access_token,
        other => panic!("the super admin signs in with a password: {:?}", other.map(|_| ()).err()),
    }
}

/// What the template wires around the functions: each queue's consumer with a visibility
/// timeout of at least six times the consumer's timeout (and the consumer's claim lease equal to
/// it), a consumer for every queue that is not a dead-letter queue, the sweeps' schedule with
/// its retries and DLQ, and the WebSocket routes to the ws function.
#[test]
fn the_template_wires_consumers_schedules_and_websocket_routes() {
    let t = Template::load();
    let resources = &t.doc["Resources"];
    let mut dead_letter_queues = BTreeSet::new();
    let mut consumed = BTreeSet::new();
    let mut queues = BTreeSet::new();
    let leases = BTreeMap::from([
        ("mail-worker", kt_fn_mail_worker::TIMEOUT),
        ("inbound-mail", kt_fn_inbound_mail::TIMEOUT),
        ("events-worker", kt_fn_events_worker::TIMEOUT),
        ("search", kt_fn_search::indexer::TIMEOUT),
    ]);
    for (id, kind, props) in t.resources() {
        if kind == "AWS::SQS::Queue" {
            queues.insert(id.clone());
            if let Some(dlq) = names(&props["RedrivePolicy"]["deadLetterTargetArn"]) {
                dead_letter_queues.insert(dlq);
            }
        }
        if kind != "AWS::Serverless::Function" {
            continue;
        }
        let binary =
            resources[id.as_str()]["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap_or_default().to_owned();
        let timeout = props["Timeout"].as_u64().or(t.doc["Globals"]["Function"]["Timeout"].as_u64()).expect("timeout");
        for (_, event) in props["Events"].as_mapping().into_iter().flatten() {
            let ep = &event["Properties"];
            for dlq in [&ep["DestinationConfig"]["OnFailure"]["Destination"], &ep["DeadLetterConfig"]["Arn"]] {
                dead_letter_queues.extend(names(dlq));
            }
            match event["Type"].as_str().unwrap_or_default() {
                "SQS" => {
                    let queue = names(&ep["Queue"]).expect("queue named");
                    let visibility =
                        resources[queue.as_str()]["Properties"]["VisibilityTimeout"].as_u64().unwrap_or(30);
                    assert!(
                        visibility >= 6 * timeout,
                        "{queue}: visibility {visibility} s < 6 x {binary}'s {timeout} s timeout"
                    );
                    let lease = leases
                        .get(binary.as_str())
                        .unwrap_or_else(|| panic!("{binary} consumes {queue}: add its lease here"));
                    assert_eq!(lease.as_secs(), timeout, "{binary}'s claim lease is its timeout");
                    assert_eq!(ep["FunctionResponseTypes"][0].as_str(), Some("ReportBatchItemFailures"), "{binary}");
                    consumed.insert(queue);
                }
                "ScheduleV2" => {
                    assert!(ep["RetryPolicy"]["MaximumRetryAttempts"].as_u64().is_some(), "{binary}: schedule retries");
                    assert!(names(&ep["DeadLetterConfig"]["Arn"]).is_some(), "{binary}: schedule DLQ");
                    assert_eq!(ep["ScheduleExpression"].as_str(), Some("rate(1 minute)"), "{binary}");
                }
                "DynamoDB" => {
                    assert_eq!(names(&ep["Stream"]).as_deref(), Some("Table"), "{binary} reads the table's stream");
                    assert!(
                        names(&ep["DestinationConfig"]["OnFailure"]["Destination"]).is_some(),
                        "{binary}: failed batches kept"
                    );
                }
                _ => {}
            }
        }
    }
    let orphans: Vec<_> =
        queues.iter().filter(|q| !consumed.contains(*q) && !dead_letter_queues.contains(*q)).collect();
    assert!(orphans.is_empty(), "queues without a consumer: {orphans:?}");
    for dlq in &dead_letter_queues {
        assert!(queues.contains(dlq), "{dlq} is not a queue of the template");
    }
    let mut routes = BTreeSet::new();
    for (_, kind, props) in t.resources() {
        if kind == "AWS::ApiGatewayV2::Route" {
            let integration = names(&props["Target"]).expect("route target");
            let uri = &resources[integration.as_str()]["Properties"]["IntegrationUri"];
            assert_eq!(names(uri).as_deref(), Some("WsFunction"), "{:?}", props["RouteKey"]);
            routes.insert(props["RouteKey"].as_str().unwrap_or_default().to_owned());
        }
    }
    assert_eq!(routes, BTreeSet::from(["$connect".to_owned(), "$disconnect".to_owned(), "$default".to_owned()]));
}

/// Rotating a secret in Secrets Manager (`put-secret-value`; the old value becomes AWSPREVIOUS):
/// a function started after it still opens what was sealed and verifies tokens signed before,
/// and seals and signs with the new value.
#[tokio::test]
async fn a_rotated_secret_keeps_old_values_working_and_new_ones_use_the_new_key() {
    let sdk = kt_platform::aws::emulator_config(&moto()).await;
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let suffix = ulid::Ulid::new().to_string().to_lowercase();
    let mut arns = Vec::new();
    for name in ["jwt", "data-key"] {
        let out = secrets
            .create_secret()
            .name(format!("kt-portal/rot{suffix}/{name}"))
            .secret_string(format!("before-rotation-{name}-{suffix}"))
            .send()
            .await
            .expect("secret");
        arns.push(out.arn.expect("arn"));
    }
    let wire = || async {
        let env = Env::from_pairs(
            [
                ("PORTAL_TABLE", format!("rot{suffix}")),
                ("PORTAL_DOMAIN", "portal.example.com".to_owned()),
                ("PORTAL_MAIL_FROM", "no-reply@portal.example.com".to_owned()),
                ("PORTAL_JWT_SECRET_ARN", arns[0].clone()),
                ("PORTAL_DATA_KEY_ARN", arns[1].clone()),
                ("AWS_ENDPOINT_URL", moto()),
            ]
            .map(|(k, v)| (k.to_owned(), v)),
        );
        let w = AwsWiring::new(env, Arc::new(SystemClock)).await.expect("wiring");
        w.token_secret().await.expect("jwt").data_key().await.expect("data key").build()
    };
    let before = wire().await;
    let sealed_before = before.sealer.seal(b"authenticator secret", "owner").expect("seal");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = kt_app::identity::tokens::AccessClaims {
        sub: kt_domain::identity::UserId::new(ulid::Ulid::new()),
        tid: kt_domain::identity::TenantId::new(ulid::Ulid::new()),
        role: kt_domain::identity::Role::Client,
        sid: "s".into(),
        orgs: vec![],
        grants: 0,
        iat: now,
        exp: now + 600,
    };
    let token_before = before.tokens.issue(&claims).expect("issue");

    for (arn, name) in arns.iter().zip(["jwt", "data-key"]) {
        secrets
            .put_secret_value()
            .secret_id(arn)
            .secret_string(format!("after-rotation-{name}-{suffix}"))
            .send()
            .await
            .expect("rotate");
    }
    let after = wire().await;
    assert_eq!(after.sealer.open(&sealed_before, "owner").expect("old value opens"), b"authenticator secret");
    assert_eq!(after.tokens.verify(&token_before).expect("old token verifies"), claims);
    let sealed_after = after.sealer.seal(b"authenticator secret", "owner").expect("seal");
    assert!(before.sealer.open(&sealed_after, "owner").is_err(), "new values are sealed with the new key");
    let token_after = after.tokens.issue(&claims).expect("issue");
    assert!(before.tokens.verify(&token_after).is_err(), "new tokens are signed with the new secret");
}
