//! What is kept of a mail's text: a leading `#internal` line marks a staff member's reply as an
//! internal note; a reply loses the history it quotes and the signature below it (the whole
//! original stays downloadable). New mail keeps its text whole: a forwarded chain is the
//! request.

use std::sync::LazyLock;

use regex::Regex;

/// The text of a reply after the marker and the quoted history are taken off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub text: String,
    /// The first line said `#internal`.
    pub internal: bool,
    /// Something was cut (quoted history or a signature).
    pub trimmed: bool,
}

/// Lines that start the history a mail program quotes below a reply, in the languages the
/// common programs write them in.
static QUOTE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*(?:
            on\s.{1,200}\swrote:\s*$ |
            am\s.{1,200}\sschrieb\b.{0,200}:\s*$ |
            le\s.{1,200}\sa\s+[ée]crit\s*:\s*$ |
            el\s.{1,200}\sescribi[óo]:\s*$ |
            op\s.{1,200}\sschreef\s.{0,100}:\s*$ |
            -{2,}\s*original\s+message\s*-{2,} |
            -{2,}\s*urspr[üu]ngliche\s+nachricht\s*-{2,} |
            _{20,}\s*$
        )",
    )
    .expect("quote header pattern")
});

/// Outlook's quoted header block: `From:` followed within a few lines by `Sent:` / `Date:`.
static OUTLOOK_FROM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*\*?(from|von|de)\s*:\*?\s").expect("outlook from"));
static OUTLOOK_SENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*\*?(sent|date|gesendet|envoy[ée])\s*:\*?\s").expect("outlook sent"));

/// Sign-offs mail programs add on their own.
static DEVICE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(sent from my \w+|get outlook for \w+|sent from (mail|yahoo mail) for \w+)").expect("device")
});

/// `text` as a reply keeps it: without the `#internal` marker line, the quoted history, the
/// signature and trailing blank lines. When cutting would leave nothing, the text is kept whole.
pub fn kept_reply(text: &str) -> Kept {
    let (text, internal) = take_marker(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let joined;
        // "On Mon, 1 Dec 2026, Acme Support <\nacme@...> wrote:" wraps in narrow programs.
        let candidate = match lines.get(i + 1) {
            Some(next) if !QUOTE_HEADER.is_match(line) => {
                joined = format!("{} {}", line.trim_end(), next.trim_start());
                joined.as_str()
            }
            _ => line,
        };
        let outlook = OUTLOOK_FROM.is_match(line) && lines[i + 1..].iter().take(4).any(|l| OUTLOOK_SENT.is_match(l));
        if QUOTE_HEADER.is_match(line)
            || (QUOTE_HEADER.is_match(candidate) && !line.trim().is_empty() && !line.starts_with('>'))
            || outlook
            || *line == "-- "
            || line.trim_end() == "--" && i + 1 < lines.len()
            || DEVICE_SIGNATURE.is_match(line)
        {
            end = i;
            break;
        }
    }
    // A block of `>` lines at the end is quoted history too (quotes between answers stay).
    while end > 0 && (lines[end - 1].trim_start().starts_with('>') || lines[end - 1].trim().is_empty()) {
        end -= 1;
    }
    let kept = lines[..end].join("\n").trim().to_owned();
    if kept.is_empty() {
        return Kept { text: text.trim().to_owned(), internal, trimmed: false };
    }
    let trimmed = kept.len() < text.trim().len();
    Kept { text: kept, internal, trimmed }
}

/// Takes a first non-empty line that says `#internal` off `text`.
fn take_marker(text: &str) -> (String, bool) {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty()).peekable();
    match lines.peek() {
        Some(first) if first.trim().eq_ignore_ascii_case("#internal") => {
            lines.next();
            (lines.collect::<Vec<_>>().join("\n"), true)
        }
        _ => (text.to_owned(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_and_apple_history_is_cut() {
        let gmail = "Thanks, that fixed it.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Acme Support <acme+1042-abcdefghij@in.portal.test> wrote:\n> Please try again.\n> \n";
        let k = kept_reply(gmail);
        assert_eq!(k.text, "Thanks, that fixed it.");
        assert!(k.trimmed && !k.internal);
        let wrapped =
            "Works now.\n\nOn 1 Dec 2026, at 10:00, Acme Support <\nacme@in.portal.test> wrote:\n\n> Please try again.";
        assert_eq!(kept_reply(wrapped).text, "Works now.");
    }

    #[test]
    fn outlook_blocks_and_separators_are_cut() {
        let outlook = "Still broken.\r\n\r\nKind regards\r\nDana\r\n\r\nFrom: Acme Support <acme@in.portal.test>\r\nSent: Monday, December 1, 2026 10:00 AM\r\nTo: Dana\r\nSubject: RE: [ACME-1042] Login\r\n\r\nPlease try again.";
        assert_eq!(kept_reply(outlook).text, "Still broken.\n\nKind regards\nDana");
        let sep = "Yes.\n________________________________\nFrom: Acme\nSent: today";
        assert_eq!(kept_reply(sep).text, "Yes.");
        let original = "See below\n-----Original Message-----\nFrom: x";
        assert_eq!(kept_reply(original).text, "See below");
        let german = "Danke!\n\nAm Mo., 1. Dez. 2026 um 10:00 Uhr schrieb Acme Support <acme@in.portal.test>:\n> Bitte";
        assert_eq!(kept_reply(german).text, "Danke!");
    }

    #[test]
    fn signatures_and_device_lines_are_cut() {
        assert_eq!(kept_reply("Done.\n-- \nDana Client\nGlobex").text, "Done.");
        assert_eq!(kept_reply("Done.\n\nSent from my iPhone").text, "Done.");
    }

    #[test]
    fn interleaved_quotes_stay_and_an_all_quote_mail_is_kept_whole() {
        let interleaved = "> Which browser?\nFirefox 130.\n> And the version?\n12.3";
        assert_eq!(kept_reply(interleaved).text, interleaved);
        let only = "> just a quote";
        let k = kept_reply(only);
        assert_eq!(k.text, "> just a quote");
        assert!(!k.trimmed);
    }

    #[test]
    fn the_internal_marker_is_taken_off() {
        let k = kept_reply("\n#INTERNAL\nThe client's card was declined twice.\n\nOn Mon wrote:\n> hi");
        assert!(k.internal);
        assert_eq!(k.text, "The client's card was declined twice.");
        let later = kept_reply("Hello\n#internal");
        assert!(!later.internal, "only a first line marks a note");
    }
}
