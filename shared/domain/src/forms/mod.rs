//! Forms (PRD 4.7): a versioned document of pages, fields and rules; one catalogue of field
//! types with their checks (custom fields reuse it), one rule language with one evaluation
//! ([`evaluate`]), which the web app implements again in TypeScript against the same test
//! vectors (`shared/domain/tests/form_vectors.json`), so the live form and the server never
//! disagree. The server trusts nothing it is sent: hidden fields are dropped, calculated values
//! recomputed and every answer checked.

mod calc;
mod check;
mod evaluate;
mod fields;
mod form;
mod upload;

pub use calc::{Fixed, parse_formula};
pub use check::check_form;
pub use evaluate::{Evaluation, evaluate, next_page};
pub use fields::{Choice, Field, FieldType, UploadInfo, is_empty};
pub use form::{
    Availability, Draft, Form, MAX_ANSWERS_BYTES, MAX_DESCRIPTION, MAX_NAME, Settings, Submission, SubmissionScope,
    check_head, may_edit, submission_scope,
};
pub use upload::{MAX_FILES_PER_SUBMISSION, UNUSED_AFTER_SECS, Upload, check_upload_field, holder_of, named_uploads};

use serde::{Deserialize, Serialize};

/// Most pages, fields and rules a form holds.
pub const MAX_PAGES: usize = 50;
pub const MAX_FIELDS: usize = 300;
pub const MAX_RULES: usize = 300;

/// A form's content at one version: what a submission answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub pages: Vec<Page>,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// A key unique in the form: `[a-z][a-z0-9_]*`, at most 40 characters.
    pub key: String,
    #[serde(default)]
    pub title: String,
    pub fields: Vec<Field>,
}

/// When `when` holds, `then` happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: Condition,
    pub then: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// A test of one field's answer (a hidden field's answer is empty).
    Test {
        field: String,
        op: Op,
        #[serde(default)]
        value: Option<serde_json::Value>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// The answer is the value (a list answer: holds exactly it).
    Equals,
    NotEquals,
    /// Numbers (and dates, times: compared as written, ISO 8601).
    GreaterThan,
    LessThan,
    AtLeast,
    AtMost,
    /// Text contains the value (case-insensitive); a list answer includes it.
    Contains,
    IsEmpty,
    IsNotEmpty,
    /// The answer is one of the values (a list).
    OneOf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "do", deny_unknown_fields)]
pub enum Action {
    /// Shows a field that is hidden unless a `show` rule holds.
    Show {
        field: String,
    },
    /// Hides a field while the rule holds.
    Hide {
        field: String,
    },
    ShowPage {
        page: String,
    },
    HidePage {
        page: String,
    },
    /// Leaving `from`, go on at `to` (a later page); the pages between are skipped.
    SkipTo {
        from: String,
        to: String,
    },
}

impl Document {
    pub fn fields(&self) -> impl Iterator<Item = (usize, &Field)> {
        self.pages.iter().enumerate().flat_map(|(i, p)| p.fields.iter().map(move |f| (i, f)))
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields().map(|(_, f)| f).find(|f| f.key == key)
    }

    pub fn page_index(&self, key: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.key == key)
    }
}
