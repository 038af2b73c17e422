//! The table exists once in code (`kt_store::table::TABLE`); `template.yaml` must declare the
//! same keys, GSIs, TTL attribute and stream.

use kt_store::table::{TABLE, key_attributes};
use serde_yaml::Value;

fn table() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml");
    let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(path).expect("template.yaml")).expect("YAML");
    doc["Resources"]["Table"]["Properties"].clone()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn key_schema(v: &Value) -> Vec<(String, String)> {
    v.as_sequence()
        .map(|seq| seq.iter().map(|k| (s(&k["AttributeName"]).to_owned(), s(&k["KeyType"]).to_owned())).collect())
        .unwrap_or_default()
}

#[test]
fn template_declares_the_table_in_code() {
    let t = table();
    let mut declared: Vec<(String, String)> = t["AttributeDefinitions"]
        .as_sequence()
        .expect("attribute definitions")
        .iter()
        .map(|a| (s(&a["AttributeName"]).to_owned(), s(&a["AttributeType"]).to_owned()))
        .collect();
    declared.sort();
    let mut expected: Vec<(String, String)> =
        key_attributes().into_iter().map(|a| (a.to_owned(), "S".to_owned())).collect();
    expected.sort();
    assert_eq!(declared, expected);

    assert_eq!(
        key_schema(&t["KeySchema"]),
        vec![(TABLE.partition_key.to_owned(), "HASH".to_owned()), (TABLE.sort_key.to_owned(), "RANGE".to_owned())]
    );

    let gsis = t["GlobalSecondaryIndexes"].as_sequence().expect("GSIs");
    assert_eq!(gsis.len(), TABLE.gsis.len());
    for ((gsi, (name, pk, sk)), index) in gsis.iter().zip(TABLE.gsis).zip(kt_store::Index::GSIS) {
        assert_eq!(s(&gsi["IndexName"]), name);
        assert_eq!(
            key_schema(&gsi["KeySchema"]),
            vec![(pk.to_owned(), "HASH".to_owned()), (sk.to_owned(), "RANGE".to_owned())]
        );
        let projection = if index.keys_only() { "KEYS_ONLY" } else { "ALL" };
        assert_eq!(s(&gsi["Projection"]["ProjectionType"]), projection, "{name}");
    }

    assert_eq!(s(&t["TimeToLiveSpecification"]["AttributeName"]), TABLE.ttl_attribute);
    assert_eq!(t["TimeToLiveSpecification"]["Enabled"].as_bool(), Some(true));
    assert_eq!(s(&t["StreamSpecification"]["StreamViewType"]), TABLE.stream_view);
}
