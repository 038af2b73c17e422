//! One evaluation of a form against answers: which pages are visited (pages hidden or skipped
//! are not), which fields show, the clean answers of the visible fields, the calculated values
//! and every field's error. Rules read only what comes before their target (checked when the
//! form is saved), so one pass in document order decides everything.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use super::calc::Fixed;
use super::fields::{FieldType, UploadInfo, is_empty};
use super::{Action, Condition, Document, Op};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The pages visited, in order.
    pub path: Vec<String>,
    /// The fields shown on them, in order.
    pub visible: Vec<String>,
    /// The clean answers of visible fields, and the calculated values (decimal strings).
    pub values: BTreeMap<String, Value>,
    /// `(field, message)`, in document order.
    pub errors: Vec<(String, String)>,
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => n.to_string().parse().ok(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn same(a: &Value, b: &Value, numeric: bool) -> bool {
    if numeric {
        return matches!((decimal(a), decimal(b)), (Some(x), Some(y)) if x == y);
    }
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().all(|i| y.contains(i)) && y.iter().all(|i| x.contains(i))
        }
        (Value::Array(x), single) => x.len() == 1 && same(&x[0], single, false),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => matches!((text(a), text(b)), (Some(x), Some(y)) if x == y),
    }
}

struct State<'a> {
    doc: &'a Document,
    values: BTreeMap<String, Value>,
}

impl State<'_> {
    fn numeric(&self, key: &str) -> bool {
        self.doc.field(key).is_some_and(|f| f.kind.is_numeric())
    }

    fn holds(&self, c: &Condition) -> bool {
        match c {
            Condition::All(cs) => cs.iter().all(|c| self.holds(c)),
            Condition::Any(cs) => cs.iter().any(|c| self.holds(c)),
            Condition::Not(c) => !self.holds(c),
            Condition::Test { field, op, value } => {
                let answer = self.values.get(field).filter(|v| !is_empty(v));
                let numeric = self.numeric(field);
                let want = value.as_ref().unwrap_or(&Value::Null);
                match (op, answer) {
                    (Op::IsEmpty, a) => a.is_none(),
                    (Op::IsNotEmpty, a) => a.is_some(),
                    (Op::NotEquals, a) => !a.is_some_and(|a| same(a, want, numeric)),
                    (_, None) => false,
                    (Op::Equals, Some(a)) => same(a, want, numeric),
                    (Op::OneOf, Some(a)) => {
                        let list = want.as_array().cloned().unwrap_or_default();
                        match a {
                            Value::Array(items) => items.iter().any(|i| list.iter().any(|w| same(i, w, false))),
                            _ => list.iter().any(|w| same(a, w, numeric)),
                        }
                    }
                    (Op::Contains, Some(Value::Array(items))) => items.iter().any(|i| same(i, want, false)),
                    (Op::Contains, Some(a)) => match (text(a), text(want)) {
                        (Some(x), Some(y)) => x.to_lowercase().contains(&y.to_lowercase()),
                        _ => false,
                    },
                    (Op::GreaterThan | Op::LessThan | Op::AtLeast | Op::AtMost, Some(a)) => {
                        let ord = if numeric {
                            match (decimal(a), decimal(want)) {
                                (Some(x), Some(y)) => x.cmp(&y),
                                _ => return false,
                            }
                        } else {
                            match (a.as_str(), want.as_str()) {
                                (Some(x), Some(y)) => x.cmp(y),
                                _ => return false,
                            }
                        };
                        match op {
                            Op::GreaterThan => ord.is_gt(),
                            Op::LessThan => ord.is_lt(),
                            Op::AtLeast => ord.is_ge(),
                            _ => ord.is_le(),
                        }
                    }
                }
            }
        }
    }

    /// What a field counts for in a formula.
    fn amount(&self, key: &str) -> Fixed {
        let (Some(f), Some(v)) = (self.doc.field(key), self.values.get(key)) else { return Fixed::ZERO };
        let score = |choice: &Value| {
            let c = choice.as_str().and_then(|c| f.options.iter().find(|o| o.value == c));
            c.and_then(|o| o.score.as_deref())
                .and_then(|s| s.parse::<Decimal>().ok())
                .and_then(Fixed::from_decimal)
                .unwrap_or(Fixed::ZERO)
        };
        match f.kind {
            k if k.is_numeric() => decimal(v).and_then(Fixed::from_decimal).unwrap_or(Fixed::ZERO),
            FieldType::Dropdown | FieldType::Radio => score(v),
            FieldType::MultiSelect | FieldType::Checkboxes => {
                let sum = v.as_array().into_iter().flatten().map(|c| score(c).0).sum::<i128>();
                Fixed(sum)
            }
            FieldType::Toggle => Fixed::from_int(i64::from(v.as_bool() == Some(true))),
            FieldType::File | FieldType::Image => Fixed::from_int(v.as_array().map_or(0, Vec::len) as i64),
            _ => Fixed::ZERO,
        }
    }
}

/// Evaluates `doc` against `answers` (keyed by field). `upload` tells what the server knows of
/// an uploaded file an answer names (the web app's preview knows its own uploads).
pub fn evaluate(
    doc: &Document,
    answers: &Map<String, Value>,
    upload: &dyn Fn(&str) -> Option<UploadInfo>,
) -> Evaluation {
    let mut st = State { doc, values: BTreeMap::new() };
    let mut out = Evaluation::default();
    let targets = |page: bool| -> HashSet<&str> {
        doc.rules
            .iter()
            .flat_map(|r| r.then.iter())
            .filter_map(|a| match (a, page) {
                (Action::Show { field }, false) => Some(field.as_str()),
                (Action::ShowPage { page: p }, true) => Some(p.as_str()),
                _ => None,
            })
            .collect()
    };
    let (shown_fields, shown_pages) = (targets(false), targets(true));
    let mut i = 0;
    while i < doc.pages.len() {
        let page = &doc.pages[i];
        let acted = |st: &State, want: &dyn Fn(&Action) -> bool| {
            doc.rules.iter().any(|r| r.then.iter().any(want) && st.holds(&r.when))
        };
        let page_shown = (!shown_pages.contains(page.key.as_str())
            || acted(&st, &|a| matches!(a, Action::ShowPage { page: p } if *p == page.key)))
            && !acted(&st, &|a| matches!(a, Action::HidePage { page: p } if *p == page.key));
        if !page_shown {
            i += 1;
            continue;
        }
        out.path.push(page.key.clone());
        for f in &page.fields {
            let shown = (!shown_fields.contains(f.key.as_str())
                || acted(&st, &|a| matches!(a, Action::Show { field } if *field == f.key)))
                && !acted(&st, &|a| matches!(a, Action::Hide { field } if *field == f.key));
            if !shown {
                continue;
            }
            out.visible.push(f.key.clone());
            if f.kind == FieldType::Calculated {
                let value = f.formula.as_deref().ok_or_else(|| "has no formula".to_owned()).and_then(|src| {
                    let e = super::calc::parse_formula(src)?;
                    e.eval(&|k| st.amount(k))
                });
                match value {
                    Ok(v) => {
                        st.values.insert(f.key.clone(), Value::String(v.format(f.places())));
                    }
                    Err(m) => out.errors.push((f.key.clone(), m)),
                }
                continue;
            }
            match f.check(answers.get(&f.key), upload) {
                Ok(Some(v)) => {
                    st.values.insert(f.key.clone(), v);
                }
                Ok(None) => {}
                Err(m) => out.errors.push((f.key.clone(), m)),
            }
        }
        let skip = doc.rules.iter().find_map(|r| {
            r.then.iter().find_map(|a| match a {
                Action::SkipTo { from, to } if *from == page.key && st.holds(&r.when) => doc.page_index(to),
                _ => None,
            })
        });
        i = match skip {
            Some(to) if to > i => to,
            _ => i + 1,
        };
    }
    out.values = st.values;
    out
}

/// The page after `current` on the way through the form with these answers (`None`: the last).
pub fn next_page(doc: &Document, answers: &Map<String, Value>, current: &str) -> Option<String> {
    let e = evaluate(doc, answers, &|_| None);
    let at = e.path.iter().position(|p| p == current)?;
    e.path.get(at + 1).cloned()
}
