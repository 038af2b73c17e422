//! Snippets: a window of a text around its first matched word, every matched word wrapped in
//! `<mark>`, everything else HTML-escaped. A word matches a query word as the engine matched it:
//! the same, starting with it, or within the query word's edit distance.

use tantivy::tokenizer::TokenStream;

/// The typos a query word of this length may carry: none up to three letters, one from four,
/// two from eight.
pub fn distance_for(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Edit distance with adjacent transpositions counted once (optimal string alignment).
fn distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

/// Whether `token` (as indexed) is what the query word `q` matched: some prefix of it lies
/// within the word's distance.
fn matches(token: &str, q: &str) -> bool {
    if token.starts_with(q) {
        return true;
    }
    let allowed = distance_for(q) as usize;
    if allowed == 0 {
        return false;
    }
    let t: Vec<char> = token.chars().collect();
    let w: Vec<char> = q.chars().collect();
    let lo = w.len().saturating_sub(allowed);
    let hi = (w.len() + allowed).min(t.len());
    (lo..=hi).any(|len| len <= t.len() && distance(&t[..len], &w) <= allowed)
}

/// Whether any word of `text` matches one of `marks`.
pub fn marks_any(text: &str, marks: &[String]) -> bool {
    let mut analyzer = super::analyzer();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        if marks.iter().any(|m| matches(&stream.token().text, m)) {
            return true;
        }
    }
    false
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `text` escaped with the words matching `marks` marked; when longer than `width` bytes, the
/// window of about `width` around the first match (or the start), cut at spaces, with `…`
/// where it was cut.
pub fn highlight(text: &str, marks: &[String], width: usize) -> String {
    let mut analyzer = super::analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut ranges = Vec::new();
    while stream.advance() {
        let t = stream.token();
        if marks.iter().any(|m| matches(&t.text, m)) {
            ranges.push((t.offset_from, t.offset_to));
        }
    }
    let (mut start, mut end) = (0, text.len());
    if text.len() > width {
        let first = ranges.first().map(|r| r.0).unwrap_or(0);
        start = floor_boundary(text, first.saturating_sub(width / 4));
        if start > 0 {
            start = text[start..].find(' ').map(|i| start + i + 1).filter(|&s| s <= first).unwrap_or(start);
        }
        end = floor_boundary(text, (start + width).min(text.len()));
        if end < text.len()
            && let Some(space) = text[start..end].rfind(' ')
            && start + space > first
        {
            end = start + space;
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for (from, to) in ranges.into_iter().filter(|&(f, t)| f >= start && t <= end) {
        escape(&mut out, &text[at..from]);
        out.push_str("<mark>");
        escape(&mut out, &text[from..to]);
        out.push_str("</mark>");
        at = to;
    }
    escape(&mut out, &text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}
