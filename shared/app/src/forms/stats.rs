//! A form's analytics, kept as counters as things happen (never by scanning submissions):
//! views, starts, completions, how many reached each page and answered each field (drop-off),
//! sums of numeric answers (averages) and counts of each option chosen (distributions).
//!
//! Counter names (letters, digits and `_`, as the store allows): `views`, `starts`, `done`;
//! `p_<page>` reached the page; `r_<field>` answered the field, in a draft or a submission;
//! `a_<field>` submitted an answer; `s_<field>` the sum of submitted numbers in millionths;
//! `o_<n>_<field>` chose option `n` (for ratings the stars, for toggles 1 and 0).

use std::collections::BTreeMap;

use kt_domain::forms::{Document, FieldType};
use rust_decimal::Decimal;
use serde_json::Value;

pub fn views() -> BTreeMap<String, i64> {
    BTreeMap::from([("views".to_owned(), 1)])
}

/// What a draft's save adds: a start the first time, pages and fields reached the first time.
pub fn progress(first: bool, new_pages: &[String], new_fields: &[String]) -> BTreeMap<String, i64> {
    let mut c = BTreeMap::new();
    if first {
        c.insert("starts".to_owned(), 1);
    }
    for p in new_pages {
        c.insert(format!("p_{p}"), 1);
    }
    for f in new_fields {
        c.insert(format!("r_{f}"), 1);
    }
    c
}

fn millionths(v: &Value) -> Option<i64> {
    let d: Decimal = match v {
        Value::Number(n) => n.to_string().parse().ok()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (d * Decimal::from(1_000_000)).trunc().try_into().ok()
}

/// What a submission adds, given what its draft (if any) counted already.
pub fn submitted(
    doc: &Document,
    values: &serde_json::Map<String, Value>,
    path: &[String],
    draft: Option<(&[String], &[String])>,
) -> BTreeMap<String, i64> {
    let (pages_seen, fields_seen) = draft.unwrap_or((&[], &[]));
    let mut c = BTreeMap::from([("done".to_owned(), 1)]);
    if draft.is_none() {
        c.insert("starts".to_owned(), 1);
    }
    for p in path.iter().filter(|p| !pages_seen.contains(p)) {
        c.insert(format!("p_{p}"), 1);
    }
    for (_, field) in doc.fields() {
        let Some(v) = values.get(&field.key) else { continue };
        let key = &field.key;
        c.insert(format!("a_{key}"), 1);
        if field.kind != FieldType::Calculated && !fields_seen.contains(key) {
            c.insert(format!("r_{key}"), 1);
        }
        if field.kind.is_numeric()
            && let Some(n) = millionths(v)
        {
            c.insert(format!("s_{key}"), n);
        }
        let mut chose = |n: usize| {
            c.insert(format!("o_{n}_{key}"), 1);
        };
        match field.kind {
            k if k.has_options() => {
                let picked: Vec<&str> = match v {
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    Value::String(s) => vec![s.as_str()],
                    _ => vec![],
                };
                for (i, o) in field.options.iter().enumerate() {
                    if picked.contains(&o.value.as_str()) {
                        chose(i);
                    }
                }
            }
            FieldType::Rating => {
                if let Some(n) = millionths(v).map(|m| m / 1_000_000).and_then(|n| usize::try_from(n).ok()) {
                    chose(n);
                }
            }
            FieldType::Toggle => chose(usize::from(v.as_bool() == Some(true))),
            _ => {}
        }
    }
    c
}

/// One page's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageFigures {
    pub key: String,
    pub title: String,
    pub reached: i64,
    /// Reached this page and not the next one (the last page: not completed).
    pub dropped: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionFigures {
    pub value: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFigures {
    pub key: String,
    pub label: String,
    pub kind: FieldType,
    /// Answered it in a draft or a submission.
    pub reached: i64,
    /// Answered it, then answered no later field.
    pub dropped: i64,
    /// Submitted with an answer.
    pub answered: i64,
    /// Numeric answers' average (a decimal string), when any.
    pub average: Option<String>,
    /// Options and how often each was chosen.
    pub options: Vec<OptionFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analytics {
    pub views: i64,
    pub starts: i64,
    pub completions: i64,
    /// Completions per start, as a percentage with one decimal ("62.5").
    pub completion_rate: String,
    pub pages: Vec<PageFigures>,
    pub fields: Vec<FieldFigures>,
}

fn options_of(kind: FieldType, field: &kt_domain::forms::Field) -> Vec<(String, String)> {
    match kind {
        k if k.has_options() => field.options.iter().map(|o| (o.value.clone(), o.label.clone())).collect(),
        FieldType::Rating => {
            let top = field.max.as_deref().and_then(|m| m.parse::<usize>().ok()).unwrap_or(5).min(10);
            (0..=top).map(|n| (n.to_string(), format!("{n} ★"))).collect()
        }
        FieldType::Toggle => vec![("false".into(), "No".into()), ("true".into(), "Yes".into())],
        _ => vec![],
    }
}

/// The figures of a form's latest document from its counters.
pub fn analytics(doc: &Document, c: &BTreeMap<String, i64>) -> Analytics {
    let n = |name: String| c.get(&name).copied().unwrap_or(0).max(0);
    let completions = n("done".into());
    let starts = n("starts".into()).max(completions);
    let rate = if starts == 0 {
        "0.0".to_owned()
    } else {
        (Decimal::from(completions * 100) / Decimal::from(starts)).round_dp(1).to_string()
    };
    let reached: Vec<i64> = doc.pages.iter().map(|p| n(format!("p_{}", p.key))).collect();
    let pages = doc
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let next = reached.get(i + 1).copied().unwrap_or(completions);
            PageFigures {
                key: p.key.clone(),
                title: p.title.clone(),
                reached: reached[i],
                dropped: (reached[i] - next).max(0),
            }
        })
        .collect();
    let answerable: Vec<_> = doc.fields().map(|(_, f)| f).filter(|f| f.kind.takes_answer()).collect();
    let field_reached: Vec<i64> = answerable.iter().map(|f| n(format!("r_{}", f.key))).collect();
    let mut fields = Vec::new();
    for (_, f) in doc.fields() {
        if matches!(f.kind, FieldType::Section | FieldType::Paragraph | FieldType::Divider) {
            continue;
        }
        let key = &f.key;
        let answered = n(format!("a_{key}"));
        let (reached, dropped) = match answerable.iter().position(|a| a.key == *key) {
            Some(i) => {
                let next = field_reached.get(i + 1).copied().unwrap_or(completions);
                (field_reached[i], (field_reached[i] - next).max(0))
            }
            None => (answered, 0),
        };
        let average = (f.kind.is_numeric() && answered > 0).then(|| {
            let sum = Decimal::from(c.get(&format!("s_{key}")).copied().unwrap_or(0)) / Decimal::from(1_000_000);
            (sum / Decimal::from(answered)).round_dp(2).normalize().to_string()
        });
        let options = options_of(f.kind, f)
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| OptionFigures { value, label, count: n(format!("o_{i}_{key}")) })
            .collect();
        fields.push(FieldFigures {
            key: key.clone(),
            label: f.label.clone(),
            kind: f.kind,
            reached,
            dropped,
            answered,
            average,
            options,
        });
    }
    Analytics { views: n("views".into()), starts, completions, completion_rate: rate, pages, fields }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Document {
        serde_json::from_value(json!({
            "pages": [
                {"key": "one", "title": "About you", "fields": [
                    {"key": "size", "type": "radio", "label": "Size", "options": [
                        {"value": "s", "label": "Small"}, {"value": "l", "label": "Large"}]},
                    {"key": "budget", "type": "number", "label": "Budget"}
                ]},
                {"key": "two", "title": "Done", "fields": [
                    {"key": "ok", "type": "toggle", "label": "OK"}
                ]}
            ]
        }))
        .expect("document")
    }

    #[test]
    fn counters_add_up_to_figures() {
        let d = doc();
        let mut c: BTreeMap<String, i64> = BTreeMap::new();
        let mut add = |m: BTreeMap<String, i64>| {
            for (k, v) in m {
                *c.entry(k).or_insert(0) += v;
            }
        };
        for _ in 0..4 {
            add(views());
        }
        // One person stops after page one, in a draft.
        add(progress(true, &["one".into()], &["size".into()]));
        // Two submit: one from a draft, one directly.
        add(progress(true, &["one".into()], &["size".into(), "budget".into()]));
        let a = json!({"size": "l", "budget": "100.5", "ok": true});
        add(submitted(
            &d,
            a.as_object().expect("map"),
            &["one".into(), "two".into()],
            Some((&["one".into()], &["size".into(), "budget".into()])),
        ));
        let b = json!({"size": "s", "budget": "49", "ok": false});
        add(submitted(&d, b.as_object().expect("map"), &["one".into(), "two".into()], None));

        let got = analytics(&d, &c);
        assert_eq!((got.views, got.starts, got.completions), (4, 3, 2));
        assert_eq!(got.completion_rate, "66.7");
        assert_eq!(got.pages[0].reached, 3);
        assert_eq!(got.pages[0].dropped, 1, "one stopped on page one");
        assert_eq!((got.pages[1].reached, got.pages[1].dropped), (2, 0));
        let budget = got.fields.iter().find(|f| f.key == "budget").expect("budget");
        assert_eq!(budget.average.as_deref(), Some("74.75"));
        assert_eq!((budget.reached, budget.answered), (2, 2));
        let size = got.fields.iter().find(|f| f.key == "size").expect("size");
        assert_eq!(size.dropped, 1, "one answered the size and nothing after");
        assert_eq!(size.options.iter().map(|o| o.count).collect::<Vec<_>>(), [1, 1]);
        let ok = got.fields.iter().find(|f| f.key == "ok").expect("ok");
        assert_eq!(ok.options.iter().map(|o| o.count).collect::<Vec<_>>(), [1, 1]);
    }
}
