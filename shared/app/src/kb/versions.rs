//! An article's history, for its managers: every saved version, the difference between any two
//! (line by line over the body, with what changed in the title, summary, category, tags, access
//! and related articles), and restoring an old version as a new one (the history only grows).

use kt_domain::kb::{Content, Version};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::kb as store;
use similar::{ChangeTag, TextDiff};

use super::manager;
use crate::{AppError, AppState};

async fn managed(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<(), AppError> {
    if !super::is_system(tenant) {
        crate::identity::tenancy::in_reach(actor, tenant)?;
    }
    if !manager(actor, tenant) {
        // Readers may know the article; its drafts and history are not theirs.
        return Err(match super::get(app, kt_domain::kb::Reader::Person(actor), tenant, id).await {
            Ok(_) => AppError::Forbidden,
            Err(e) => e,
        });
    }
    store::article(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    Ok(())
}

/// A page of article `id`'s versions, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Version>, Option<String>), AppError> {
    managed(app, actor, tenant, id).await?;
    Ok(store::versions(app.store.as_ref(), &tenant.id, id, limit, cursor).await?)
}

/// Version `number` of article `id`.
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str, number: u32) -> Result<Version, AppError> {
    managed(app, actor, tenant, id).await?;
    store::version(app.store.as_ref(), &tenant.id, id, number).await?.ok_or(AppError::NotFound)
}

/// One line of a body's difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// `equal`, `insert` or `delete`.
    pub tag: &'static str,
    pub text: String,
    /// Its number in the older and the newer body.
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// What differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub from: u32,
    pub to: u32,
    /// The settings that differ: (field, before, after).
    pub fields: Vec<(&'static str, String, String)>,
    /// The body's changed lines with up to three unchanged lines around each change.
    pub hunks: Vec<Vec<Line>>,
}

fn settings(c: &Content) -> [(&'static str, String); 6] {
    let access = match &c.access {
        kt_domain::kb::Access::Clients { orgs } => {
            format!("clients: {}", orgs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
        }
        other => other.name().to_owned(),
    };
    [
        ("title", c.title.clone()),
        ("summary", c.summary.clone()),
        ("category_id", c.category.clone().unwrap_or_default()),
        ("tags", c.tags.join(", ")),
        ("access", access),
        ("related", c.related.join(", ")),
    ]
}

/// The difference between `a` and `b` (pure: the route's and the tests' one definition).
pub fn difference(a: &Version, b: &Version) -> Difference {
    let fields = settings(&a.content)
        .into_iter()
        .zip(settings(&b.content))
        .filter(|((_, x), (_, y))| x != y)
        .map(|((name, x), (_, y))| (name, x, y))
        .collect();
    // Both ending with a newline: a last line that only gained one is not a change.
    let ended = |t: &str| if t.is_empty() || t.ends_with('\n') { t.to_owned() } else { format!("{t}\n") };
    let (old, new) = (ended(&a.content.body), ended(&b.content.body));
    let diff = TextDiff::from_lines(&old, &new);
    let hunks = diff
        .grouped_ops(3)
        .iter()
        .map(|group| {
            group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|c| Line {
                    tag: match c.tag() {
                        ChangeTag::Equal => "equal",
                        ChangeTag::Insert => "insert",
                        ChangeTag::Delete => "delete",
                    },
                    text: c.value().trim_end_matches('\n').to_owned(),
                    old: c.old_index().map(|i| i + 1),
                    new: c.new_index().map(|i| i + 1),
                })
                .collect()
        })
        .collect();
    Difference { from: a.number, to: b.number, fields, hunks }
}

/// The difference between versions `from` and `to` of article `id`.
pub async fn diff(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    from: &str,
    to: &str,
) -> Result<Difference, AppError> {
    managed(app, actor, tenant, id).await?;
    // Read as words so that only those who may compare learn whether they are numbers.
    let number = |raw: &str, field: &'static str| {
        raw.trim().parse::<u32>().map_err(|_| AppError::invalid(field, "give a version number"))
    };
    let (from, to) = (number(from, "from")?, number(to, "to")?);
    let s = app.store.as_ref();
    let a = store::version(s, &tenant.id, id, from)
        .await?
        .ok_or_else(|| AppError::invalid("from", "is no version of this article"))?;
    let b = store::version(s, &tenant.id, id, to)
        .await?
        .ok_or_else(|| AppError::invalid("to", "is no version of this article"))?;
    Ok(difference(&a, &b))
}

/// Restores version `number` as a new version (under `expected`, the article's version).
pub async fn restore(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    number: u32,
    expected: Option<u64>,
) -> Result<Versioned<kt_domain::kb::Article>, AppError> {
    let old = get(app, actor, tenant, id, number).await?;
    let mut content = old.content;
    // What it linked to may be gone since: keep what still exists.
    let s = app.store.as_ref();
    if let Some(cat) = &content.category
        && store::category(s, &tenant.id, cat).await?.is_none()
    {
        content.category = None;
    }
    let mut related = Vec::new();
    for r in content.related {
        if store::article(s, &tenant.id, &r).await?.is_some() {
            related.push(r);
        }
    }
    content.related = related;
    let edit = super::articles::Edit { content, slug: None, note: format!("Restored version {number}") };
    super::articles::save(app, actor, tenant, id, edit, expected).await
}

#[cfg(test)]
mod tests {
    use super::difference;
    use kt_domain::kb::{Access, Content, Version};

    fn version(number: u32, title: &str, body: &str) -> Version {
        Version {
            article: "a".into(),
            number,
            content: Content {
                title: title.into(),
                body: body.into(),
                summary: String::new(),
                category: None,
                tags: vec![],
                access: Access::Public,
                related: vec![],
            },
            author: kt_domain::identity::UserId::try_from("01JD00000000000000000000G0".to_owned()).expect("user"),
            at: time::OffsetDateTime::UNIX_EPOCH,
            note: String::new(),
        }
    }

    #[test]
    fn a_last_line_that_only_gained_a_newline_is_unchanged() {
        let d = difference(&version(1, "A", "a\nb"), &version(2, "B", "a\nb\nc"));
        let changed: Vec<(&str, &str)> =
            d.hunks.iter().flatten().filter(|l| l.tag != "equal").map(|l| (l.tag, l.text.as_str())).collect();
        assert_eq!(changed, [("insert", "c")]);
        assert_eq!(d.fields, [("title", "A".to_owned(), "B".to_owned())]);
    }
}
