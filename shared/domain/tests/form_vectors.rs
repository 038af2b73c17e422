//! The form engine against the shared test vectors (`form_vectors.json`), which the web app's
//! engine also runs, so the server and the live form never disagree.

use kt_domain::forms::{Document, UploadInfo, check_form, evaluate, next_page};
use serde_json::{Map, Value, json};

#[test]
fn the_engine_matches_every_vector() {
    let vectors: Vec<Value> = serde_json::from_str(include_str!("form_vectors.json")).expect("vectors");
    let mut cases = 0;
    for v in &vectors {
        let name = v["name"].as_str().expect("name");
        let doc: Document = serde_json::from_value(v["form"].clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Err(e) = check_form(&doc) {
            panic!("{name}: the form is refused: {e:?}");
        }
        for (i, case) in v["cases"].as_array().expect("cases").iter().enumerate() {
            let answers: Map<String, Value> = case["answers"].as_object().cloned().unwrap_or_default();
            let uploads = case["uploads"].as_object().cloned().unwrap_or_default();
            let upload = |id: &str| {
                uploads.get(id).map(|u| UploadInfo {
                    content_type: u["content_type"].as_str().unwrap_or_default().to_owned(),
                    size: u["size"].as_u64().unwrap_or_default(),
                })
            };
            let got = evaluate(&doc, &answers, &upload);
            let errors: Map<String, Value> = got.errors.iter().map(|(f, m)| (f.clone(), json!(m))).collect();
            let got = json!({"path": got.path, "visible": got.visible, "values": got.values, "errors": errors});
            assert_eq!(got, case["expect"], "{name}, case {i}");
            if let Some(next) = case.get("next") {
                let from = next["from"].as_str().expect("from");
                assert_eq!(
                    next_page(&doc, &answers, from).map(Value::String).unwrap_or(Value::Null),
                    next["to"],
                    "{name}, case {i}: next page"
                );
            }
            cases += 1;
        }
    }
    assert!(cases >= 15, "{cases} cases");
}

#[test]
fn forms_are_checked_when_saved() {
    let bad = json!({
        "pages": [{"key": "p1", "fields": [
            {"key": "total", "type": "calculated", "formula": "later * 2"},
            {"key": "later", "type": "number"},
            {"key": "later", "type": "radio", "options": []},
            {"key": "Bad Key", "type": "text", "pattern": "("}
        ]}, {"key": "p1", "fields": []}],
        "rules": [
            {"when": {"test": {"field": "later", "op": "equals", "value": 1}}, "then": [{"do": "show", "field": "total"}]},
            {"when": {"test": {"field": "nope", "op": "is_empty", "value": 1}}, "then": [{"do": "skip_to", "from": "p1", "to": "p1"}]}
        ]
    });
    let doc: Document = serde_json::from_value(bad).expect("parses");
    let fields: Vec<String> = check_form(&doc).expect_err("bad").into_iter().map(|e| e.field.into_owned()).collect();
    assert_eq!(
        fields,
        [
            "pages[0].fields[0].formula",
            "pages[0].fields[2].key",
            "pages[0].fields[2].options",
            "pages[0].fields[3].key",
            "pages[0].fields[3].pattern",
            "pages[1].key",
            "rules[0].then[0]",
            "rules[1].when",
            "rules[1].when",
            "rules[1].then[0]",
        ]
    );
    let unknown = json!({"pages": [{"key": "p", "fields": [{"key": "a", "type": "text", "colour": "red"}]}]});
    assert!(serde_json::from_value::<Document>(unknown).is_err(), "unknown settings are refused");
}
