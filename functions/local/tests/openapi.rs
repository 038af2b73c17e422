//! The OpenAPI document says what the server enforces, so a generated client can rely on it:
//! every string a request may carry has a maximum or a list of words, word fields list their
//! words, required query parameters are marked required, and every operation lists the answers
//! the shared extractors give (unreadable input, authentication, CSRF, If-Match, idempotency).
//! The schema-driven fuzz step of `scripts/test` (`scripts/fuzz`) checks the server against it.

use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(&portal::openapi_json().expect("document")).expect("JSON")
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap_or_default()],
        None => schema,
    }
}

/// Every string in `schema` (followed through references) without a maximum or a word list.
fn unbounded_strings(doc: &Value, schema: &Value, at: &str, seen: &mut Vec<String>, out: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if seen.iter().any(|s| s == r) {
            return;
        }
        seen.push(r.to_owned());
    }
    let s = resolve(doc, schema);
    let is_string = match &s["type"] {
        Value::String(t) => t == "string",
        Value::Array(ts) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    if is_string && s.get("maxLength").is_none() && s.get("enum").is_none() && s.get("format").is_none() {
        out.push(at.to_owned());
    }
    if let Some(props) = s["properties"].as_object() {
        for (name, p) in props {
            unbounded_strings(doc, p, &format!("{at}.{name}"), seen, out);
        }
    }
    if let Some(items) = s.get("items") {
        unbounded_strings(doc, items, &format!("{at}[]"), seen, out);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for sub in s[key].as_array().into_iter().flatten() {
            unbounded_strings(doc, sub, at, seen, out);
        }
    }
}

fn operations(doc: &Value) -> impl Iterator<Item = (String, &Value)> {
    doc["paths"].as_object().expect("paths").iter().flat_map(|(path, item)| {
        item.as_object()
            .expect("operations")
            .iter()
            .map(move |(method, op)| (format!("{} {path}", method.to_uppercase()), op))
    })
}

#[test]
fn every_request_string_has_a_documented_maximum_or_word_list() {
    let doc = document();
    let mut out = Vec::new();
    for (name, op) in operations(&doc) {
        if let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema") {
            unbounded_strings(&doc, schema, &format!("{name} body"), &mut Vec::new(), &mut out);
        }
        for p in op["parameters"].as_array().into_iter().flatten() {
            let at =
                format!("{name} {} {}", p["in"].as_str().unwrap_or_default(), p["name"].as_str().unwrap_or_default());
            if p["in"] == "query" {
                unbounded_strings(&doc, &p["schema"], &at, &mut Vec::new(), &mut out);
            }
        }
    }
    assert!(out.is_empty(), "strings without a documented maximum:\n{}", out.join("\n"));
}

#[test]
fn words_and_required_parameters_are_what_the_server_checks() {
    let doc = document();
    let new_ticket = &doc["components"]["schemas"]["NewTicketRequest"]["properties"];
    assert_eq!(new_ticket["priority"]["enum"], serde_json::json!(["low", "medium", "high", "critical"]));
    assert_eq!(new_ticket["category"]["enum"].as_array().map(Vec::len), Some(5));
    let update = &doc["components"]["schemas"]["TicketUpdate"]["properties"];
    assert_eq!(update["status"]["enum"].as_array().map(Vec::len), Some(6), "{}", update["status"]);
    let queue = &doc["paths"]["/api/v1/queue"]["get"]["parameters"];
    let priority = queue.as_array().expect("params").iter().find(|p| p["name"] == "priority").expect("priority");
    assert_eq!(priority["required"], true, "GET /api/v1/queue refuses a request without priority");
    let limit = queue.as_array().expect("params").iter().find(|p| p["name"] == "limit").expect("limit");
    assert_eq!((limit["schema"]["type"].as_str(), limit["schema"]["minimum"].as_u64()), (Some("integer"), Some(1)));
    assert_eq!(doc["components"]["schemas"]["Email"]["maxLength"], 254);
}

#[test]
fn every_operation_lists_the_answers_of_the_shared_extractors() {
    let doc = document();
    let mut missing = Vec::new();
    for (name, op) in operations(&doc) {
        let has = |status: &str| op["responses"].get(status).is_some();
        let public = op["security"] == serde_json::json!([{}]);
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let param = |n: &str| params.iter().any(|p| p["name"] == n);
        let mut want = vec!["503"];
        if op.get("requestBody").is_some() {
            want.extend(["400", "422"]);
        }
        if params.iter().any(|p| p["in"] == "path" || p["in"] == "query") {
            want.push("400");
        }
        if !public {
            want.extend(["401", "429"]);
            if !name.starts_with("GET ") {
                want.push("403");
            }
        }
        if param("If-Match") {
            want.push("412");
        }
        if param("Idempotency-Key") {
            want.extend(["400", "409", "422"]);
        }
        for status in want {
            if !has(status) {
                missing.push(format!("{name}: {status}"));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented answers:\n{}", missing.join("\n"));
    assert_eq!(doc["components"]["securitySchemes"]["session"]["name"], "__Host-kt_session");
    let public = &doc["paths"]["/api/v1/auth/sign-in"]["post"]["security"];
    assert_eq!(public, &serde_json::json!([{}]), "sign-in needs no credentials");
}
