//! Markdown as people write it in tickets and replies, rendered to HTML that is safe to put in
//! a page or an email: CommonMark (with tables, strikethrough and task lists) through
//! pulldown-cmark, then ammonia's allow-list, which drops scripts, styles, event handlers and
//! `javascript:` links, and marks every link `rel="noopener noreferrer nofollow"`.

use pulldown_cmark::{Options, Parser, html};

/// Renders and sanitizes `markdown`.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_markdown() {
        assert_eq!(render("It **broke**."), "<p>It <strong>broke</strong>.</p>\n");
        assert!(render("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table>"));
        assert!(render("~~old~~").contains("<del>old</del>"));
    }

    #[test]
    fn removes_what_could_run() {
        let html =
            render("<script>alert(1)</script>hi <img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        let link = render("[site](https://example.com)");
        assert!(link.contains("href=\"https://example.com\""), "{link}");
        assert!(link.contains("rel=\"noopener noreferrer nofollow\""), "{link}");
        assert!(!render("[x](data:text/html,hi)").contains("data:"));
        assert!(!render("<style>body{}</style><iframe src=https://e.com></iframe>").contains("iframe"));
    }
}
