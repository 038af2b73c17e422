//! An article as a PDF in its tenant's branding (the invoices' letterhead, logo, colour and
//! paper): the title, the facts (category, version, last update, tags), then the body, section
//! by section under its headings, as text (lists with bullets, links with their address,
//! images and videos by their description and address). Whoever may read the article may
//! download it.

use kt_documents::Block;
use kt_domain::kb::Reader;
use kt_domain::tenancy::Tenant;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::invoices::documents::{Pdf, frame, render};
use crate::{AppError, AppState};

/// The body as (heading, text) sections: the text before the first heading under `lead`.
pub fn sections(markdown: &str, lead: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let (mut title, mut body) = (lead.to_owned(), String::new());
    let mut heading: Option<String> = None;
    let mut link: Option<String> = None;
    let mut depth = 0usize;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        // Text goes to the heading being read, else to the section's body.
        let sink = match heading.as_mut() {
            Some(h) => h,
            None => &mut body,
        };
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                out.push((std::mem::take(&mut title), std::mem::take(&mut body)));
                title = heading.take().unwrap_or_default().trim().to_owned();
            }
            Event::Text(t) | Event::Code(t) => sink.push_str(&t),
            Event::Start(Tag::Item) => {
                sink.push_str(&"  ".repeat(depth.saturating_sub(1)));
                sink.push_str("• ");
            }
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take() {
                    sink.push_str(&format!(" ({url})"));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                sink.push_str("[Image: ");
                link = Some(dest_url.to_string());
            }
            Event::End(TagEnd::Image) => {
                if let Some(url) = link.take() {
                    sink.push_str(&format!(" ({url})]"));
                }
            }
            Event::SoftBreak => sink.push(' '),
            Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableRow | TagEnd::BlockQuote(_),
            ) => sink.push('\n'),
            Event::End(TagEnd::TableCell) => sink.push_str(" | "),
            _ => {}
        }
    }
    out.push((title, body));
    for s in &mut out {
        s.1 = s.1.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n");
    }
    out.retain(|(h, b)| !b.is_empty() || (!h.is_empty() && h != lead));
    out
}

/// Article `id` as a PDF, for `reader`.
pub async fn pdf(app: &AppState, reader: Reader<'_>, tenant: &Tenant, id: &str) -> Result<Pdf, AppError> {
    let a = super::get(app, reader, tenant, id).await?.value;
    let frame = frame(app, tenant).await?;
    let mut blocks: Vec<Block> = Vec::new();
    if !a.content.summary.is_empty() {
        blocks.push(Block::Text { heading: "Summary".into(), body: a.content.summary.clone() });
    }
    for (heading, body) in sections(&a.content.body, "") {
        blocks.push(Block::Text { heading, body });
    }
    let mut doc = frame.document(app, "Article", &a.slug, blocks);
    let category = match &a.content.category {
        Some(c) => kt_store::kb::category(app.store.as_ref(), &tenant.id, c).await?.map(|x| x.value.name),
        None => None,
    };
    let mut facts = Vec::new();
    if let Some(c) = category {
        facts.push(("Category".into(), c));
    }
    facts.push(("Version".into(), a.revision.to_string()));
    facts.push(("Updated".into(), frame.settings.date_format.format(a.updated_at.date())));
    if !a.content.tags.is_empty() {
        facts.push(("Tags".into(), a.content.tags.join(", ")));
    }
    doc.facts = facts;
    doc.recipient_label = "Knowledge base".into();
    doc.recipient = vec![a.content.title.clone()];
    render(&doc, &a.slug)
}

#[cfg(test)]
mod tests {
    use super::sections;

    #[test]
    fn markdown_becomes_sections_of_plain_text() {
        let md = "Intro with a [link](https://e.test).\n\n## Steps\n\n1. Open **Settings**\n2. Choose `Billing`\n\n## Images\n\n![The form](https://e.test/f.png)\n";
        let s = sections(md, "");
        assert_eq!(s[0], ("".into(), "Intro with a link (https://e.test).".into()));
        assert_eq!(s[1], ("Steps".into(), "• Open Settings\n• Choose Billing".into()));
        assert_eq!(s[2], ("Images".into(), "[Image: The form (https://e.test/f.png)]".into()));
    }
}
