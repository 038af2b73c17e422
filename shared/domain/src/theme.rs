//! A tenant's brand as CSS custom properties (served as `theme.css`, render-blocking, so the
//! portal paints in the tenant's colours from the first frame), with every text-on-colour pair
//! checked against WCAG 2.1 AA: when the brand's pair fails, the text colour falls back to
//! whichever of white and ink reads better. The web app applies the same rules
//! (`web/src/theme/contrast.ts`).

use crate::tenancy::{Branding, Font};

/// WCAG AA for normal text.
pub const AA_NORMAL: f64 = 4.5;
pub const WHITE: &str = "#ffffff";
pub const INK: &str = "#0f172a";

fn parse_hex(hex: &str) -> Option<[u8; 3]> {
    let h = hex.trim().trim_start_matches('#');
    if h.len() != 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Relative luminance of an sRGB colour (WCAG 2.1).
pub fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let s = f64::from(c) / 255.0;
        if s <= 0.04045 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// Contrast ratio of two `#rrggbb` colours, 1 (same) to 21 (black on white); 1 when either
/// does not parse.
pub fn contrast_ratio(a: &str, b: &str) -> f64 {
    let (Some(a), Some(b)) = (parse_hex(a), parse_hex(b)) else { return 1.0 };
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// `preferred` when it reaches AA on `background`, else whichever of white or ink reads better.
pub fn readable_on<'a>(background: &str, preferred: &'a str) -> &'a str {
    if contrast_ratio(preferred, background) >= AA_NORMAL {
        return preferred;
    }
    if contrast_ratio(WHITE, background) >= contrast_ratio(INK, background) { WHITE } else { INK }
}

/// The CSS font stack of a brand font (local fonts first, then system fallbacks).
pub fn font_stack(font: Font) -> &'static str {
    match font {
        Font::SystemUi => "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif",
        Font::Inter => "Inter, system-ui, -apple-system, \"Segoe UI\", sans-serif",
        Font::Roboto => "Roboto, system-ui, -apple-system, \"Segoe UI\", sans-serif",
        Font::OpenSans => "\"Open Sans\", system-ui, -apple-system, \"Segoe UI\", sans-serif",
        Font::Lato => "Lato, system-ui, -apple-system, \"Segoe UI\", sans-serif",
        Font::Merriweather => "Merriweather, Georgia, \"Times New Roman\", serif",
        Font::SourceSerif => "\"Source Serif 4\", \"Source Serif Pro\", Georgia, serif",
    }
}

/// The custom properties of a brand, in order.
pub fn vars(b: &Branding) -> Vec<(&'static str, String)> {
    let (primary, secondary, accent) = (b.primary.as_str(), b.secondary.as_str(), b.accent.as_str());
    vec![
        ("--brand-primary", primary.to_owned()),
        ("--brand-on-primary", readable_on(primary, WHITE).to_owned()),
        ("--brand-secondary", secondary.to_owned()),
        ("--brand-on-secondary", readable_on(secondary, WHITE).to_owned()),
        ("--brand-accent", accent.to_owned()),
        ("--brand-on-accent", readable_on(accent, INK).to_owned()),
        // Links and focus rings sit on the white page: the primary, or ink when too light.
        ("--brand-link", readable_on(WHITE, primary).to_owned()),
        ("--brand-font", font_stack(b.font).to_owned()),
    ]
}

/// `:root { ... }` with the brand's custom properties. Colours are validated `#rrggbb` and
/// font stacks are fixed strings, so nothing a tenant typed reaches the stylesheet unchecked.
pub fn css(b: &Branding) -> String {
    let mut out = String::from(":root {\n");
    for (name, value) in vars(b) {
        out.push_str(&format!("  {name}: {value};\n"));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenancy::Color;

    fn brand(primary: &str, secondary: &str, accent: &str) -> Branding {
        let mut b = Branding::default_for("Acme");
        b.primary = Color::parse(primary, "primary").expect("colour");
        b.secondary = Color::parse(secondary, "secondary").expect("colour");
        b.accent = Color::parse(accent, "accent").expect("colour");
        b
    }

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        assert!((contrast_ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast_ratio("#ffffff", "#ffffff") - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1 grey.
        assert!((contrast_ratio("#767676", "#ffffff") - 4.54).abs() < 0.01);
        assert_eq!(contrast_ratio("nope", "#ffffff"), 1.0);
    }

    #[test]
    fn failing_pairs_fall_back_to_the_more_readable_of_white_and_ink() {
        // White on a dark blue passes and is kept.
        assert_eq!(readable_on("#1d4ed8", WHITE), WHITE);
        // White on yellow fails: ink instead.
        assert_eq!(readable_on("#facc15", WHITE), INK);
        // A light primary as a link colour on white fails: ink.
        assert_eq!(readable_on(WHITE, "#fde68a"), INK);
    }

    #[test]
    fn every_text_pair_of_the_stylesheet_reaches_aa() {
        for (p, s, a) in
            [("#facc15", "#fef3c7", "#000000"), ("#1d4ed8", "#0f172a", "#f97316"), ("#ffffff", "#777777", "#888888")]
        {
            let b = brand(p, s, a);
            let v: std::collections::HashMap<_, _> = vars(&b).into_iter().collect();
            for (bg, fg) in [
                ("--brand-primary", "--brand-on-primary"),
                ("--brand-secondary", "--brand-on-secondary"),
                ("--brand-accent", "--brand-on-accent"),
            ] {
                let ratio = contrast_ratio(&v[fg], &v[bg]);
                // Mid greys can cap below 4.5 with either choice; the better one is taken.
                let best = contrast_ratio(WHITE, &v[bg]).max(contrast_ratio(INK, &v[bg]));
                assert!(ratio >= AA_NORMAL || (ratio - best).abs() < 1e-9, "{fg} on {bg}: {ratio}");
            }
        }
        let css = css(&brand("#1d4ed8", "#0f172a", "#f97316"));
        assert!(css.starts_with(":root {\n") && css.contains("--brand-primary: #1d4ed8;") && css.ends_with("}\n"));
    }
}
