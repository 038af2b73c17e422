//! The field catalogue: every type a form (and later a custom field) offers, its settings, and
//! the check of one answer, which also gives the answer's clean form.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::calc::Fixed;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Email,
    Phone,
    Number,
    Currency,
    Date,
    DateTime,
    Time,
    Dropdown,
    MultiSelect,
    Radio,
    Checkboxes,
    Toggle,
    File,
    Image,
    /// Drawn, stored as an image (the answer names its upload).
    Signature,
    Rating,
    Slider,
    Hidden,
    Section,
    Paragraph,
    Divider,
    Address,
    Url,
    Colour,
    Matrix,
    /// Computed from other fields by its `formula`; never typed in.
    Calculated,
}

impl FieldType {
    pub const ALL: [FieldType; 28] = [
        FieldType::Text,
        FieldType::Textarea,
        FieldType::Email,
        FieldType::Phone,
        FieldType::Number,
        FieldType::Currency,
        FieldType::Date,
        FieldType::DateTime,
        FieldType::Time,
        FieldType::Dropdown,
        FieldType::MultiSelect,
        FieldType::Radio,
        FieldType::Checkboxes,
        FieldType::Toggle,
        FieldType::File,
        FieldType::Image,
        FieldType::Signature,
        FieldType::Rating,
        FieldType::Slider,
        FieldType::Hidden,
        FieldType::Section,
        FieldType::Paragraph,
        FieldType::Divider,
        FieldType::Address,
        FieldType::Url,
        FieldType::Colour,
        FieldType::Matrix,
        FieldType::Calculated,
    ];

    /// Whether people answer it (not layout, not computed).
    pub fn takes_answer(self) -> bool {
        !matches!(self, FieldType::Section | FieldType::Paragraph | FieldType::Divider | FieldType::Calculated)
    }

    /// Whether it picks among `options`.
    pub fn has_options(self) -> bool {
        matches!(self, FieldType::Dropdown | FieldType::MultiSelect | FieldType::Radio | FieldType::Checkboxes)
    }

    /// Whether its answer is a list.
    pub fn is_list(self) -> bool {
        matches!(self, FieldType::MultiSelect | FieldType::Checkboxes | FieldType::File | FieldType::Image)
    }

    /// Whether its answer is a number.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Number | FieldType::Currency | FieldType::Rating | FieldType::Slider | FieldType::Calculated
        )
    }
}

/// One choice of a dropdown, radio, multi-select or checkboxes field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    #[serde(default)]
    pub label: String,
    /// What choosing it counts in formulas (a decimal, e.g. a price); 0 when absent.
    #[serde(default)]
    pub score: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// A key unique in the form: `[a-z][a-z0-9_]*`, at most 40 characters.
    pub key: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<Choice>,
    /// A matrix's rows and columns.
    #[serde(default)]
    pub rows: Vec<String>,
    #[serde(default)]
    pub columns: Vec<String>,
    /// Least and most: a number's value, a rating's or slider's range, a date's or time's
    /// (as written), a list's count of choices.
    #[serde(default)]
    pub min: Option<String>,
    #[serde(default)]
    pub max: Option<String>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    /// A regular expression the whole text must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Accepted media types of uploads (`image/png`, `application/pdf`, `image/*`).
    #[serde(default)]
    pub accept: Vec<String>,
    /// Largest upload, in bytes.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// A calculated field's arithmetic over other fields (see [`super::calc`]).
    #[serde(default)]
    pub formula: Option<String>,
    /// Decimal places a number, currency or calculated value keeps (default 2).
    #[serde(default)]
    pub decimals: Option<u8>,
    /// A hidden field's value.
    #[serde(default)]
    pub default: Option<Value>,
}

/// An upload an answer names, as the server knows it (to check type and size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadInfo {
    pub content_type: String,
    pub size: u64,
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(empty),
        _ => false,
    }
}

/// Whether an answer counts as not given.
pub fn is_empty(v: &Value) -> bool {
    empty(v)
}

fn number_of(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => n.to_string().parse().ok(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s[..4].parse::<u16>().is_ok()
        && s[5..7].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
        && s[8..].parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn is_time(s: &str) -> bool {
    s.len() == 5 && chrono::NaiveTime::parse_from_str(s, "%H:%M").is_ok()
}

fn is_email(s: &str) -> bool {
    crate::identity::Email::parse(s).is_ok()
}

impl Field {
    /// Decimal places it keeps.
    pub fn places(&self) -> u32 {
        u32::from(self.decimals.unwrap_or(2).min(6))
    }

    /// Checks one visible field's answer and gives its clean form (`None`: no answer). `upload`
    /// tells what the server knows of an upload the answer names.
    pub fn check(
        &self,
        raw: Option<&Value>,
        upload: &dyn Fn(&str) -> Option<UploadInfo>,
    ) -> Result<Option<Value>, String> {
        let raw = match (raw, self.kind) {
            (_, FieldType::Hidden) => self.default.as_ref().or(raw),
            (r, _) => r,
        };
        let Some(v) = raw.filter(|v| !empty(v)) else {
            return if self.required && self.kind.takes_answer() { Err("is required".into()) } else { Ok(None) };
        };
        let text = || v.as_str().map(str::trim).ok_or_else(|| "must be text".to_owned());
        let clean = match self.kind {
            FieldType::Section | FieldType::Paragraph | FieldType::Divider | FieldType::Calculated => return Ok(None),
            FieldType::Text | FieldType::Textarea | FieldType::Hidden | FieldType::Phone => {
                let t = text()?;
                self.check_length(t)?;
                if self.kind == FieldType::Phone
                    && (!t.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
                        || t.chars().filter(char::is_ascii_digit).count() < 5)
                {
                    return Err("must be a phone number".into());
                }
                if self.kind == FieldType::Text && t.contains(['\n', '\r']) {
                    return Err("must be one line".into());
                }
                self.check_pattern(t)?;
                json!(t)
            }
            FieldType::Email => {
                let t = text()?;
                if !is_email(t) {
                    return Err("must be an email address".into());
                }
                json!(t)
            }
            FieldType::Url => {
                let t = text()?;
                let ok = (t.starts_with("https://") || t.starts_with("http://"))
                    && t.len() <= 2048
                    && !t.contains(char::is_whitespace)
                    && t.split("://")
                        .nth(1)
                        .is_some_and(|rest| rest.split('/').next().is_some_and(|h| h.contains('.')));
                if !ok {
                    return Err("must be a web address (https://...)".into());
                }
                json!(t)
            }
            FieldType::Colour => {
                let t = text()?;
                if !(t.len() == 7 && t.starts_with('#') && t[1..].chars().all(|c| c.is_ascii_hexdigit())) {
                    return Err("must be a colour such as #1a2b3c".into());
                }
                json!(t.to_ascii_lowercase())
            }
            FieldType::Date | FieldType::Time | FieldType::DateTime => {
                let t = text()?;
                let ok = match self.kind {
                    FieldType::Date => is_date(t),
                    FieldType::Time => is_time(t),
                    _ => t.len() == 16 && t.as_bytes()[10] == b'T' && is_date(&t[..10]) && is_time(&t[11..]),
                };
                if !ok {
                    return Err(match self.kind {
                        FieldType::Date => "must be a date (YYYY-MM-DD)",
                        FieldType::Time => "must be a time (HH:MM)",
                        _ => "must be a date and time (YYYY-MM-DDTHH:MM)",
                    }
                    .into());
                }
                if self.min.as_deref().is_some_and(|m| t < m) {
                    return Err(format!("must be {} or later", self.min.as_deref().unwrap_or_default()));
                }
                if self.max.as_deref().is_some_and(|m| t > m) {
                    return Err(format!("must be {} or earlier", self.max.as_deref().unwrap_or_default()));
                }
                json!(t)
            }
            FieldType::Number | FieldType::Currency | FieldType::Rating | FieldType::Slider => {
                let n = number_of(v).ok_or_else(|| "must be a number".to_owned())?;
                let places = if matches!(self.kind, FieldType::Rating) { 0 } else { self.places() };
                if n.scale() > places {
                    return Err(if places == 0 {
                        "must be a whole number".into()
                    } else {
                        format!("use at most {places} decimal places")
                    });
                }
                let (lo, hi) = self.range();
                if lo.is_some_and(|lo| n < lo) {
                    return Err(format!("must be at least {}", lo.unwrap_or_default()));
                }
                if hi.is_some_and(|hi| n > hi) {
                    return Err(format!("must be at most {}", hi.unwrap_or_default()));
                }
                if Fixed::from_decimal(n).is_none() {
                    return Err("is too large".into());
                }
                json!(n.normalize().to_string())
            }
            FieldType::Toggle => match v {
                Value::Bool(b) => {
                    if self.required && !b {
                        return Err("must be accepted".into());
                    }
                    json!(b)
                }
                _ => return Err("must be true or false".into()),
            },
            FieldType::Dropdown | FieldType::Radio => {
                let t = text()?;
                if !self.options.iter().any(|o| o.value == t) {
                    return Err("is not one of the choices".into());
                }
                json!(t)
            }
            FieldType::MultiSelect | FieldType::Checkboxes => {
                let list = v.as_array().ok_or_else(|| "must be a list of choices".to_owned())?;
                let mut out: Vec<&str> = Vec::new();
                for item in list {
                    let t = item.as_str().filter(|t| self.options.iter().any(|o| o.value == *t));
                    let t = t.ok_or_else(|| "holds something that is not one of the choices".to_owned())?;
                    if out.contains(&t) {
                        return Err("lists a choice twice".into());
                    }
                    out.push(t);
                }
                self.check_count(out.len())?;
                json!(out)
            }
            FieldType::File | FieldType::Image | FieldType::Signature => {
                let ids: Vec<&str> = match v {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().map(|i| i.as_str().unwrap_or("")).collect(),
                    _ => return Err("must name uploaded files".into()),
                };
                if self.kind == FieldType::Signature && ids.len() != 1 {
                    return Err("must be one drawn signature".into());
                }
                for id in &ids {
                    let info = upload(id).ok_or_else(|| "names a file that was not uploaded".to_owned())?;
                    self.takes_file(&info)?;
                }
                self.check_count(ids.len())?;
                if self.kind == FieldType::Signature { json!(ids[0]) } else { json!(ids) }
            }
            FieldType::Address => {
                let o = v.as_object().ok_or_else(|| "must be an address".to_owned())?;
                const PARTS: [&str; 6] = ["line1", "line2", "city", "region", "postal_code", "country"];
                if let Some(k) = o.keys().find(|k| !PARTS.contains(&k.as_str())) {
                    return Err(format!("has no part called {k}"));
                }
                let part = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim).unwrap_or("");
                for k in ["line1", "city", "country"] {
                    if part(k).is_empty() {
                        return Err(format!("needs its {}", k.replace("line1", "street").replace('_', " ")));
                    }
                }
                if PARTS.iter().any(|k| part(k).chars().count() > 200) {
                    return Err("has a part longer than 200 characters".into());
                }
                let mut out = serde_json::Map::new();
                for k in PARTS {
                    if !part(k).is_empty() {
                        out.insert(k.into(), json!(part(k)));
                    }
                }
                Value::Object(out)
            }
            FieldType::Matrix => {
                let o = v.as_object().ok_or_else(|| "must answer its rows".to_owned())?;
                let mut out = serde_json::Map::new();
                for (row, col) in o {
                    if !self.rows.contains(row) {
                        return Err(format!("has no row {row}"));
                    }
                    let c = col.as_str().filter(|c| self.columns.iter().any(|x| x == c));
                    out.insert(row.clone(), json!(c.ok_or_else(|| format!("row {row}: not one of the columns"))?));
                }
                if self.required && out.len() < self.rows.len() {
                    return Err("answer every row".into());
                }
                Value::Object(out)
            }
        };
        Ok(Some(clean))
    }

    /// A numeric field's range (a rating's defaults to 1 to 5).
    pub fn range(&self) -> (Option<Decimal>, Option<Decimal>) {
        let parse = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<Decimal>().ok());
        match self.kind {
            FieldType::Rating => (parse(&self.min).or(Some(Decimal::ONE)), parse(&self.max).or(Some(Decimal::from(5)))),
            _ => (parse(&self.min), parse(&self.max)),
        }
    }

    fn check_length(&self, t: &str) -> Result<(), String> {
        let n = t.chars().count() as u32;
        let most = self.max_length.unwrap_or(if self.kind == FieldType::Textarea { 10_000 } else { 500 });
        if self.min_length.is_some_and(|m| n < m) {
            return Err(format!("write at least {} characters", self.min_length.unwrap_or_default()));
        }
        if n > most {
            return Err(format!("write at most {most} characters"));
        }
        Ok(())
    }

    fn check_pattern(&self, t: &str) -> Result<(), String> {
        let Some(p) = &self.pattern else { return Ok(()) };
        let re = regex::Regex::new(&format!("^(?:{p})$")).map_err(|_| "cannot be checked".to_owned())?;
        if re.is_match(t) { Ok(()) } else { Err("is not in the expected format".into()) }
    }

    fn check_count(&self, n: usize) -> Result<(), String> {
        let parse = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<usize>().ok());
        if parse(&self.min).is_some_and(|m| n < m) {
            return Err(format!("choose at least {}", parse(&self.min).unwrap_or_default()));
        }
        if parse(&self.max).is_some_and(|m| n > m) {
            return Err(format!("choose at most {}", parse(&self.max).unwrap_or_default()));
        }
        Ok(())
    }
}

impl Field {
    /// Whether this file, image or signature field takes a file of this type and size (the
    /// same words when it is declared and when a submission names it).
    pub fn takes_file(&self, info: &UploadInfo) -> Result<(), String> {
        let image_only = matches!(self.kind, FieldType::Image | FieldType::Signature);
        if !matches!(self.kind, FieldType::File | FieldType::Image | FieldType::Signature) {
            return Err("does not take files".into());
        }
        if image_only && !info.content_type.starts_with("image/") {
            return Err("must be an image".into());
        }
        if !self.accept.is_empty() && !self.accept.iter().any(|a| accepts(a, &info.content_type)) {
            return Err(format!("must be one of: {}", self.accept.join(", ")));
        }
        if self.max_bytes.is_some_and(|m| info.size > m) {
            return Err(format!("a file is at most {} bytes", self.max_bytes.unwrap_or_default()));
        }
        Ok(())
    }
}

fn accepts(pattern: &str, content_type: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(major) => content_type.split('/').next() == Some(major),
        None => pattern == content_type,
    }
}
