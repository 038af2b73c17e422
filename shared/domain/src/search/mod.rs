//! The search box's language (PRD 4.11): words (matched typo-tolerantly and by prefix by the
//! engine), `"exact phrases"`, `-excluded` words or phrases, and filters written `name:value`
//! (`status:open priority:high from:alice type:ticket org:globex tag:billing after:2026-11-01
//! before:2026-12-01`, a value quoted when it has spaces: `from:"Dana Scully"`). [`parse`] reads
//! a query into [`Query`] or says exactly what is wrong and where (the field is `q`).

pub mod audience;

use time::Date;

use crate::identity::Invalid;

/// Longest query read, in characters.
pub const MAX_QUERY: usize = 500;
/// Most words and phrases in one query.
pub const MAX_TERMS: usize = 32;

/// What can be searched for.
pub const TYPES: [&str; 12] = [
    "ticket",
    "message",
    "article",
    "organization",
    "user",
    "invoice",
    "quote",
    "request",
    "project",
    "form",
    "submission",
    "file",
];
pub const PRIORITIES: [&str; 4] = ["low", "medium", "high", "critical"];
/// Every status a searchable thing has (tickets', invoices', quotes', requests', articles',
/// projects', people's).
pub const STATUSES: [&str; 29] = [
    "new",
    "open",
    "in_progress",
    "pending_client",
    "resolved",
    "closed",
    "draft",
    "sent",
    "viewed",
    "partial",
    "paid",
    "overdue",
    "void",
    "published",
    "archived",
    "active",
    "completed",
    "accepted",
    "declined",
    "withdrawn",
    "submitted",
    "in_review",
    "quoted",
    "approved",
    "converted",
    "planned",
    "on_hold",
    "cancelled",
    "disabled",
];
pub const FILTERS: [&str; 8] = ["type", "status", "priority", "from", "org", "tag", "after", "before"];

/// A word or phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    /// Written in quotes: matched as these words in this order.
    pub phrase: bool,
    /// Written with a leading `-`: results must not have it.
    pub excluded: bool,
}

/// A query, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub types: Vec<String>,
    pub statuses: Vec<String>,
    pub priorities: Vec<String>,
    /// Authors, as typed (a name or an email).
    pub from: Vec<String>,
    pub orgs: Vec<String>,
    pub tags: Vec<String>,
    /// On or after this day.
    pub after: Option<Date>,
    /// Before this day.
    pub before: Option<Date>,
}

impl Query {
    /// Nothing to look for: no word and no filter.
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }
}

fn fault(message: String) -> Invalid {
    Invalid::new("q", message)
}

/// One piece of the query as typed: `(negated, filter name, text, quoted, position)`.
type Piece = (bool, Option<String>, String, bool, usize);

/// Splits `q` into pieces, honouring quotes.
fn pieces(q: &str) -> Result<Vec<Piece>, Invalid> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
        if negated {
            i += 1;
        }
        // A filter name: letters up to a colon.
        let mut name = None;
        let word_end = chars[i..].iter().position(|c| c.is_whitespace() || *c == '"').map_or(chars.len(), |n| i + n);
        if let Some(colon) = chars[i..word_end].iter().position(|c| *c == ':') {
            let candidate: String = chars[i..i + colon].iter().collect();
            // Only the known filters: `Error:`, `re:` or `https://…` are words.
            if FILTERS.contains(&candidate.to_lowercase().as_str()) {
                name = Some(candidate.to_lowercase());
                i += colon + 1;
            }
        }
        let (text, quoted) = if chars.get(i) == Some(&'"') {
            let close = chars[i + 1..]
                .iter()
                .position(|c| *c == '"')
                .ok_or_else(|| fault(format!("close the quote opened at character {}", i + 1)))?;
            let t: String = chars[i + 1..i + 1 + close].iter().collect();
            i += close + 2;
            (t, true)
        } else {
            let end = chars[i..].iter().position(|c| c.is_whitespace()).map_or(chars.len(), |n| i + n);
            let t: String = chars[i..end].iter().collect();
            i = end;
            (t, false)
        };
        out.push((negated, name, text, quoted, start + 1));
    }
    Ok(out)
}

fn word_of(list: &[&str], value: &str, name: &str) -> Result<String, Invalid> {
    let v = value.trim().to_lowercase().replace('-', "_");
    if list.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(fault(format!("{name}:{value} is not known; use one of {}", list.join(", "))))
    }
}

fn day(value: &str, name: &str) -> Result<Date, Invalid> {
    Date::parse(value.trim(), time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| fault(format!("{name}:{value} is not a day; write it like {name}:2026-12-01")))
}

/// Reads `q`.
pub fn parse(q: &str) -> Result<Query, Invalid> {
    if q.chars().count() > MAX_QUERY {
        return Err(fault(format!("use at most {MAX_QUERY} characters")));
    }
    let mut out = Query::default();
    for (negated, name, text, quoted, at) in pieces(q)? {
        let Some(name) = name else {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                if quoted {
                    return Err(fault(format!("the quotes at character {at} hold nothing")));
                }
                continue;
            }
            out.terms.push(Term { text: text.to_lowercase(), phrase: quoted && text.contains(' '), excluded: negated });
            continue;
        };
        if negated {
            return Err(fault(format!("-{name}: cannot be excluded; choose the values you want instead")));
        }
        if text.trim().is_empty() {
            return Err(fault(format!("{name}: needs a value (character {at})")));
        }
        match name.as_str() {
            "type" => out.types.push(word_of(&TYPES, &text, "type")?),
            "status" => out.statuses.push(word_of(&STATUSES, &text, "status")?),
            "priority" => out.priorities.push(word_of(&PRIORITIES, &text, "priority")?),
            "from" => out.from.push(text.trim().to_lowercase()),
            "org" => out.orgs.push(text.trim().to_lowercase()),
            "tag" => out.tags.push(text.trim().to_lowercase()),
            "after" => out.after = Some(day(&text, "after")?),
            "before" => out.before = Some(day(&text, "before")?),
            other => return Err(fault(format!("{other}: is not a filter"))),
        }
    }
    if out.terms.len() > MAX_TERMS {
        return Err(fault(format!("use at most {MAX_TERMS} words and phrases")));
    }
    if let (Some(a), Some(b)) = (out.after, out.before)
        && a >= b
    {
        return Err(fault("after: must be earlier than before:".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn term(text: &str, phrase: bool, excluded: bool) -> Term {
        Term { text: text.into(), phrase, excluded }
    }

    #[test]
    fn the_advanced_syntax() {
        let q = parse(r#"status:open priority:High from:alice "checkout  page" -spam -"old theme" type:ticket"#)
            .expect("query");
        assert_eq!(q.statuses, ["open"]);
        assert_eq!(q.priorities, ["high"]);
        assert_eq!(q.from, ["alice"]);
        assert_eq!(q.types, ["ticket"]);
        assert_eq!(
            q.terms,
            [term("checkout page", true, false), term("spam", false, true), term("old theme", true, true)]
        );
        let q = parse(r#"from:"Dana Scully" after:2026-11-01 before:2026-12-01 status:in-progress tag:Billing"#)
            .expect("query");
        assert_eq!(q.from, ["dana scully"]);
        assert_eq!((q.after, q.before), (Some(date!(2026 - 11 - 01)), Some(date!(2026 - 12 - 01))));
        assert_eq!((q.statuses[0].as_str(), q.tags[0].as_str()), ("in_progress", "billing"));
        assert!(parse("   ").expect("empty").is_empty());
        // A colon inside a word or an address is a word.
        assert_eq!(parse("https://x.test 10:30").expect("words").terms.len(), 2);
        assert_eq!(
            parse("a-b - c").expect("hyphens").terms,
            [term("a-b", false, false), term("-", false, false), term("c", false, false)]
        );
    }

    #[test]
    fn faults_say_what_and_where() {
        let msg = |q: &str| parse(q).expect_err(q).message;
        assert_eq!(msg(r#"login "broken"#), "close the quote opened at character 7");
        assert_eq!(parse("Error: timeout re:invoice colour:red").expect("words").terms.len(), 4);
        assert!(msg("priority:urgent").contains("use one of low, medium, high, critical"));
        assert_eq!(msg("after:yesterday"), "after:yesterday is not a day; write it like after:2026-12-01");
        assert_eq!(msg("status:"), "status: needs a value (character 1)");
        assert_eq!(msg("-status:open"), "-status: cannot be excluded; choose the values you want instead");
        assert_eq!(msg("after:2026-12-02 before:2026-12-01"), "after: must be earlier than before:");
        assert_eq!(msg(&"x".repeat(501)), "use at most 500 characters");
        assert_eq!(parse("\"\"").expect_err("empty").field, "q");
    }
}
