//! Video in articles, privacy-friendly: a paragraph that is nothing but the address of a video
//! on an allowed provider (YouTube, Vimeo, Loom) becomes a click-to-load figure. Nothing is
//! fetched from the provider until the reader plays it: the page shows a link (which works
//! without JavaScript, opening the provider's page), and the web app swaps in the player from
//! `data-embed` (YouTube's no-cookie domain) on click. Any other address stays a plain link.

/// A recognised video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Video {
    pub provider: &'static str,
    pub id: String,
}

impl Video {
    /// The provider's page of the video.
    pub fn page(&self) -> String {
        match self.provider {
            "YouTube" => format!("https://www.youtube.com/watch?v={}", self.id),
            "Vimeo" => format!("https://vimeo.com/{}", self.id),
            _ => format!("https://www.loom.com/share/{}", self.id),
        }
    }

    /// The player's address (loaded only when the reader plays it).
    pub fn embed(&self) -> String {
        match self.provider {
            "YouTube" => format!("https://www.youtube-nocookie.com/embed/{}", self.id),
            "Vimeo" => format!("https://player.vimeo.com/video/{}?dnt=1", self.id),
            _ => format!("https://www.loom.com/embed/{}", self.id),
        }
    }
}

fn id_of(raw: &str, ok: fn(char) -> bool, len: std::ops::RangeInclusive<usize>) -> Option<String> {
    let id: String = raw.chars().take_while(|c| *c != '?' && *c != '&' && *c != '#' && *c != '/').collect();
    (len.contains(&id.len()) && id.chars().all(ok)).then_some(id)
}

/// The video at `url`, when it is one of an allowed provider.
pub fn video(url: &str) -> Option<Video> {
    let rest = url.trim().strip_prefix("https://")?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let yt = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let (provider, id) = if let Some(r) = rest.strip_prefix("youtube.com/watch?v=") {
        ("YouTube", id_of(r, yt, 6..=20)?)
    } else if let Some(r) = rest
        .strip_prefix("youtu.be/")
        .or_else(|| rest.strip_prefix("youtube.com/embed/"))
        .or_else(|| rest.strip_prefix("youtube.com/shorts/"))
    {
        ("YouTube", id_of(r, yt, 6..=20)?)
    } else if let Some(r) = rest.strip_prefix("vimeo.com/").or_else(|| rest.strip_prefix("player.vimeo.com/video/")) {
        ("Vimeo", id_of(r, |c| c.is_ascii_digit(), 5..=12)?)
    } else if let Some(r) = rest.strip_prefix("loom.com/share/").or_else(|| rest.strip_prefix("loom.com/embed/")) {
        ("Loom", id_of(r, |c| c.is_ascii_hexdigit(), 32..=32)?)
    } else {
        return None;
    };
    Some(Video { provider, id })
}

/// The figure standing for `v` (every part of it made here from checked characters).
fn figure(v: &Video) -> String {
    format!(
        "<figure class=\"kb-video\" data-provider=\"{p}\" data-embed=\"{e}\"><a class=\"kb-video__play\" href=\"{page}\" rel=\"noopener noreferrer nofollow\">Play the video on {p}</a><figcaption>The video loads from {p} only when you play it.</figcaption></figure>\n",
        p = v.provider,
        e = v.embed(),
        page = v.page()
    )
}

/// Renders an article's Markdown (sanitized as every Markdown is) with its videos as
/// click-to-load figures.
pub fn render(markdown: &str) -> String {
    let mut videos = Vec::new();
    let lines: Vec<&str> = markdown.lines().collect();
    let mut text = String::with_capacity(markdown.len());
    // The marker holds a private-use character no article needs: taken out of what was typed.
    const MARK: char = '\u{F8FF}';
    let mut fenced = false;
    for (n, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
        }
        // Code (fenced, or indented four spaces or a tab) stays code.
        let code = fenced || line.starts_with("    ") || line.starts_with('\t');
        let alone = n.checked_sub(1).is_none_or(|p| lines[p].trim().is_empty())
            && lines.get(n + 1).is_none_or(|x| x.trim().is_empty());
        match video(line).filter(|_| alone && !code) {
            Some(v) => {
                text.push_str(&format!("{MARK}{}{MARK}\n", videos.len()));
                videos.push(v);
            }
            None => {
                text.push_str(&line.replace(MARK, ""));
                text.push('\n');
            }
        }
    }
    let mut html = crate::markdown::render(&text);
    for (n, v) in videos.iter().enumerate() {
        html = html.replacen(&format!("<p>{MARK}{n}{MARK}</p>\n"), &figure(v), 1);
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_providers_only() {
        let yt = video("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10").expect("youtube");
        assert_eq!((yt.provider, yt.id.as_str()), ("YouTube", "dQw4w9WgXcQ"));
        assert_eq!(
            video("https://youtu.be/dQw4w9WgXcQ").map(|v| v.embed()).as_deref(),
            Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
        );
        assert_eq!(video("https://vimeo.com/76979871").map(|v| v.id), Some("76979871".into()));
        assert!(video("https://www.loom.com/share/0123456789abcdef0123456789abcdef").is_some());
        assert!(video("http://www.youtube.com/watch?v=dQw4w9WgXcQ").is_none(), "https only");
        assert!(video("https://evil.test/watch?v=dQw4w9WgXcQ").is_none());
        assert!(video("https://vimeo.com/abc\"onload=").is_none());
    }

    #[test]
    fn a_video_alone_in_its_paragraph_becomes_a_figure_nothing_else_does() {
        let html = render("Watch:\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nor see https://youtu.be/dQw4w9WgXcQ inline.\n");
        assert_eq!(html.matches("<figure class=\"kb-video\"").count(), 1, "{html}");
        assert!(html.contains("data-embed=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""), "{html}");
        assert!(!html.contains("<iframe"), "nothing loads from the provider before a click");
        assert!(!html.contains('\u{F8FF}'));
        let tricked = render("\u{F8FF}0\u{F8FF}\n\nhttps://evil.test/x\n");
        assert!(
            !tricked.contains("<figure") && !tricked.contains('\u{F8FF}'),
            "a typed marker is no figure: {tricked}"
        );
        let code = render("```\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n```\n\n    https://youtu.be/dQw4w9WgXcQ\n");
        assert!(!code.contains("<figure"), "code stays code: {code}");
        assert_eq!(code.matches("https://youtu.be/dQw4w9WgXcQ").count(), 2, "{code}");
    }
}
