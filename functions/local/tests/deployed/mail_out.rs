//! Mail out as deployed: the mail worker writes a letter from the tenant's template, sends it
//! through SES (on moto) and records the ticket mail's Message-IDs (the portal's and SES's);
//! the inbound-mail function takes an SES bounce from the feedback queue and stops mail to the
//! address, listed for the tenant whose mail bounced. Both are read back from the table.

use aws_sdk_dynamodb::types::AttributeValue;
use kt_domain::identity::{Email, TenantId};

use super::template::Resolved;

/// The items whose partition key starts with `prefix`, as JSON (a scan: the emulator's table
/// is small).
async fn items_under(sdk: &aws_config::SdkConfig, r: &Resolved, prefix: &str) -> Vec<String> {
    let db = aws_sdk_dynamodb::Client::new(sdk);
    let pk = kt_store::table::key_attributes()[0];
    let out = db
        .scan()
        .table_name(&r.refs["Table"])
        .filter_expression("begins_with(#pk, :p)")
        .expression_attribute_names("#pk", pk)
        .expression_attribute_values(":p", AttributeValue::S(prefix.to_owned()))
        .send()
        .await
        .expect("scan");
    out.items().iter().map(|i| format!("{i:?}")).collect()
}

/// The letter of `mail-worker/batch.json` went out and its ids were recorded: the portal's
/// Message-ID (`ticket-<id>.<ulid>@...`) and the one SES answered the send with.
pub async fn sent(sdk: &aws_config::SdkConfig, r: &Resolved, tenant: &str) {
    let found = items_under(sdk, r, &format!("T#{tenant}#MAILID#")).await;
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|i| i.contains("01KB00000000000000000000TK")), "{found:?}");
    assert!(found.iter().any(|i| i.contains("#MAILID#ticket-01kb00000000000000000000tk.")), "{found:?}");
}

/// The bounce of `inbound-mail/feedback.json` stopped mail to its address for every tenant and
/// listed it for the tenant whose mail it was.
pub async fn stopped(sdk: &aws_config::SdkConfig, r: &Resolved, tenant: &str) {
    let store = kt_store::DynamoStore::new(
        aws_sdk_dynamodb::Client::new(sdk),
        r.refs["Table"].clone(),
        std::sync::Arc::new(kt_platform::SystemClock),
    );
    let email = Email::parse("gone@globex.test").expect("email");
    let stop = kt_store::mail_out::stopped(&store, &email).await.expect("read").expect("stopped");
    assert_eq!(stop.value.reason, kt_domain::mail::suppression::StopReason::Bounce);
    assert_eq!(stop.value.detail, "smtp; 550 5.1.1 user unknown");
    let tenant = TenantId::try_from(tenant.to_owned()).expect("tenant");
    let (listed, _) = kt_store::mail_out::listed(&store, &tenant, 10, None).await.expect("list");
    assert!(listed.iter().any(|s| s.email == email), "{listed:?}");
}
