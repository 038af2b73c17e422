//! On AWS, API Gateway routes each request to one function by the `HttpApi` events of
//! `template.yaml`. Every route of each function's router must reach that function: the most
//! specific template route matching it (literal and `{param}` routes before `{proxy+}` ones,
//! longer before shorter, as API Gateway chooses) must belong to it.

use serde_yaml::Value;
use utoipa::openapi::OpenApi;

struct Route {
    function: String,
    method: String,
    path: String,
}

fn template_routes() -> Vec<Route> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml");
    let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(path).expect("template.yaml")).expect("YAML");
    let mut routes = Vec::new();
    for (name, resource) in doc["Resources"].as_mapping().expect("resources") {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let Some(events) = resource["Properties"]["Events"].as_mapping() else { continue };
        for event in events.values().filter(|e| e["Type"].as_str() == Some("HttpApi")) {
            routes.push(Route {
                function: name.as_str().unwrap_or_default().to_owned(),
                method: event["Properties"]["Method"].as_str().unwrap_or("ANY").to_uppercase(),
                path: event["Properties"]["Path"].as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    routes
}

/// How specifically `route` matches `path` (higher wins), or None when it does not.
fn specificity(route: &str, path: &str) -> Option<(bool, usize)> {
    let r: Vec<&str> = route.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    for (i, seg) in r.iter().enumerate() {
        if seg.ends_with("+}") {
            return (p.len() > i).then_some((false, i));
        }
        let part = p.get(i)?;
        if !(seg.starts_with('{') || seg == part) {
            return None;
        }
    }
    (r.len() == p.len()).then_some((true, r.len()))
}

fn wrong_routes(function: &str, api: &OpenApi, routes: &[Route]) -> (usize, Vec<String>) {
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (path, item) in &api.paths.paths {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, _) in methods.iter().filter(|(_, present)| *present) {
            checked += 1;
            let winner = routes
                .iter()
                .filter(|r| r.method == "ANY" || r.method == *method)
                .filter_map(|r| specificity(&r.path, path).map(|s| (s, r)))
                .max_by_key(|(s, _)| *s)
                .map(|(_, r)| r);
            match winner {
                Some(r) if r.function == function => {}
                Some(r) => wrong.push(format!("{method} {path}: {} ({}), not {function}", r.function, r.path)),
                None => wrong.push(format!("{method} {path}: no route, not {function}")),
            }
        }
    }
    (checked, wrong)
}

#[test]
fn every_route_reaches_its_function_on_aws() {
    let routes = template_routes();
    assert!(routes.len() > 10, "the template's HTTP routes were not read");
    let routers = [
        ("HealthFunction", kt_fn_health::router().split_for_parts().1),
        ("IdentityFunction", kt_fn_identity::router().split_for_parts().1),
        ("TicketsFunction", kt_fn_tickets::router().split_for_parts().1),
        ("NotificationsFunction", kt_fn_notifications::router().split_for_parts().1),
        ("InvoicesFunction", kt_fn_invoices::router().split_for_parts().1),
        ("SearchFunction", kt_fn_search::router().split_for_parts().1),
    ];
    let mut all_wrong = Vec::new();
    for (function, api) in &routers {
        let (checked, wrong) = wrong_routes(function, api, &routes);
        assert!(checked > 0, "{function}'s routes were not read");
        all_wrong.extend(wrong);
    }
    assert!(all_wrong.is_empty(), "routes that miss their function on AWS:\n{}", all_wrong.join("\n"));
}
