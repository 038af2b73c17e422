//! Grants in `template.yaml` for the files bucket: attachments (tickets), logos (identity),
//! abandoned uploads (sweeps).

use serde_yaml::Value;

#[test]
fn the_functions_that_store_files_may_use_the_files_bucket() {
    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml")).expect("template");
    let doc: Value = serde_yaml::from_str(&raw).expect("YAML");
    for (function, actions) in [
        ("TicketsFunction", &["s3:PutObject", "s3:GetObject", "s3:DeleteObject"][..]),
        ("IdentityFunction", &["s3:PutObject", "s3:GetObject", "s3:DeleteObject"][..]),
        ("SweepsFunction", &["s3:DeleteObject"][..]),
    ] {
        let env = &doc["Resources"][function]["Properties"]["Environment"]["Variables"];
        assert!(!env["PORTAL_BUCKET"].is_null(), "{function} is told the files bucket's name");
        let policies = serde_yaml::to_string(&doc["Resources"][function]["Properties"]["Policies"]).expect("policies");
        for action in actions {
            assert!(policies.contains(action), "{function} may not {action}");
        }
        assert!(policies.contains("FilesBucket"), "{function}'s S3 grant names the files bucket");
    }
}
