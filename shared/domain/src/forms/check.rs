//! The checks of a form as saved: keys, field settings, formulas and rules. Rules and formulas
//! may read only fields that come before what they act on, which keeps the evaluation one pass
//! and free of cycles.

use std::collections::HashMap;

use super::fields::FieldType;
use super::{Action, Condition, Document, MAX_FIELDS, MAX_PAGES, MAX_RULES, Op};
use crate::identity::Invalid;

fn good_key(k: &str) -> bool {
    let mut chars = k.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && k.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Where each field sits: (page, position in the whole form).
fn places(doc: &Document) -> HashMap<&str, (usize, usize)> {
    doc.fields().enumerate().map(|(n, (p, f))| (f.key.as_str(), (p, n))).collect()
}

fn condition_fields<'a>(c: &'a Condition, out: &mut Vec<(&'a str, Op, Option<&'a serde_json::Value>)>) {
    match c {
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| condition_fields(c, out)),
        Condition::Not(c) => condition_fields(c, out),
        Condition::Test { field, op, value } => out.push((field, *op, value.as_ref())),
    }
}

/// Checks a form's content; every fault is named by its path (`pages[0].fields[2].options`).
pub fn check_form(doc: &Document) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    let mut err = |path: String, msg: &str| errors.push(Invalid::new(path, msg.to_owned()));
    if doc.pages.is_empty() || doc.pages.len() > MAX_PAGES {
        err("pages".into(), &format!("a form has 1 to {MAX_PAGES} pages"));
    }
    if doc.fields().count() > MAX_FIELDS {
        err("pages".into(), &format!("a form has at most {MAX_FIELDS} fields"));
    }
    if doc.rules.len() > MAX_RULES {
        err("rules".into(), &format!("a form has at most {MAX_RULES} rules"));
    }
    let at = places(doc);
    let mut seen_pages: Vec<&str> = Vec::new();
    let mut seen_fields: Vec<&str> = Vec::new();
    for (i, page) in doc.pages.iter().enumerate() {
        if !good_key(&page.key) || seen_pages.contains(&page.key.as_str()) {
            err(format!("pages[{i}].key"), "use a unique key of a-z, 0-9 and _ (starting with a letter)");
        }
        seen_pages.push(&page.key);
        for (j, f) in page.fields.iter().enumerate() {
            let path = format!("pages[{i}].fields[{j}]");
            if !good_key(&f.key) || seen_fields.contains(&f.key.as_str()) {
                err(format!("{path}.key"), "use a unique key of a-z, 0-9 and _ (starting with a letter)");
            }
            seen_fields.push(&f.key);
            if f.label.chars().count() > 500 {
                err(format!("{path}.label"), "write at most 500 characters");
            }
            if f.kind.has_options() {
                let mut values: Vec<&str> = Vec::new();
                for o in &f.options {
                    if o.value.trim().is_empty() || values.contains(&o.value.as_str()) {
                        err(format!("{path}.options"), "give each choice a distinct value");
                        break;
                    }
                    if o.score.as_deref().is_some_and(|s| s.parse::<rust_decimal::Decimal>().is_err()) {
                        err(format!("{path}.options"), "a choice's score is a number");
                        break;
                    }
                    values.push(&o.value);
                }
                if f.options.is_empty() || f.options.len() > 200 {
                    err(format!("{path}.options"), "offer 1 to 200 choices");
                }
            }
            if f.kind == FieldType::Matrix && (f.rows.is_empty() || f.columns.is_empty()) {
                err(format!("{path}.rows"), "a matrix needs rows and columns");
            }
            if let Some(p) = &f.pattern
                && regex::Regex::new(&format!("^(?:{p})$")).is_err()
            {
                err(format!("{path}.pattern"), "is not a regular expression");
            }
            if f.kind.is_numeric() || f.kind == FieldType::Calculated {
                let bad =
                    |s: &Option<String>| s.as_deref().is_some_and(|s| s.parse::<rust_decimal::Decimal>().is_err());
                if bad(&f.min) || bad(&f.max) {
                    err(format!("{path}.min"), "min and max are numbers");
                }
            }
            if f.decimals.is_some_and(|d| d > 6) {
                err(format!("{path}.decimals"), "use 0 to 6 decimal places");
            }
            match (f.kind, &f.formula) {
                (FieldType::Calculated, None) => err(format!("{path}.formula"), "a calculated field needs a formula"),
                (FieldType::Calculated, Some(src)) => match super::calc::parse_formula(src) {
                    Err(m) => err(format!("{path}.formula"), &m),
                    Ok(e) => {
                        let mut read = Vec::new();
                        e.fields(&mut read);
                        let me = at.get(f.key.as_str()).map(|p| p.1).unwrap_or(0);
                        if read.iter().any(|k| at.get(k.as_str()).is_none_or(|p| p.1 >= me)) {
                            err(format!("{path}.formula"), "reads only fields that come before it");
                        }
                    }
                },
                (_, Some(_)) => err(format!("{path}.formula"), "only calculated fields have a formula"),
                _ => {}
            }
        }
    }
    for (r, rule) in doc.rules.iter().enumerate() {
        let mut tests = Vec::new();
        condition_fields(&rule.when, &mut tests);
        for (field, op, value) in &tests {
            if !at.contains_key(field) {
                err(format!("rules[{r}].when"), &format!("names no field {field}"));
            }
            let fits = match op {
                Op::IsEmpty | Op::IsNotEmpty => value.is_none(),
                Op::OneOf => value.is_some_and(|v| v.is_array()),
                _ => value.is_some(),
            };
            if !fits {
                err(format!("rules[{r}].when"), "give a value to compare with (a list for one_of; none for is_empty)");
            }
        }
        if rule.then.is_empty() {
            err(format!("rules[{r}].then"), "say what the rule does");
        }
        // Everything the condition reads comes before what the rule acts on.
        let last_read = tests.iter().filter_map(|(f, ..)| at.get(f)).copied().max_by_key(|p| p.1);
        for (a, action) in rule.then.iter().enumerate() {
            let path = format!("rules[{r}].then[{a}]");
            let ok = match action {
                Action::Show { field } | Action::Hide { field } => match at.get(field.as_str()) {
                    None => {
                        err(path, &format!("names no field {field}"));
                        continue;
                    }
                    Some(target) => last_read.is_none_or(|read| read.1 < target.1),
                },
                Action::ShowPage { page } | Action::HidePage { page } => match doc.page_index(page) {
                    None => {
                        err(path, &format!("names no page {page}"));
                        continue;
                    }
                    Some(target) => last_read.is_none_or(|read| read.0 < target),
                },
                Action::SkipTo { from, to } => match (doc.page_index(from), doc.page_index(to)) {
                    (Some(f), Some(t)) if t > f => last_read.is_none_or(|read| read.0 <= f),
                    _ => {
                        err(path, "skips from a page to a later page");
                        continue;
                    }
                },
            };
            if !ok {
                err(path, "its condition reads a field that comes after what it acts on");
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}
