//! Bounded text for request bodies and queries: each kind of string the API accepts has one
//! documented maximum (`maxLength` in the OpenAPI document) that deserialization enforces, so
//! overlong input is refused with 422 naming the field before anything reaches the store.
//! Meaning (trimming, shape, the domain's own rules) is still the use case's to check.
//!
//! Also the schemas of fields that hold one of a fixed set of words (priorities, categories,
//! statuses, roles): the handlers read them as text to report every bad field at once, and the
//! document lists the words they accept.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};

macro_rules! bounded_text {
    ($($(#[$doc:meta])* $name:ident = $max:expr, $example:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The most characters (Unicode scalar values, as JSON Schema counts) accepted.
            pub const MAX: usize = $max;

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        /// For what the server writes (a body type shared by requests and answers).
        impl From<String> for $name {
            fn from(v: String) -> Self {
                $name(v)
            }
        }

        impl From<&str> for $name {
            fn from(v: &str) -> Self {
                $name(v.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                bounded(s, Self::MAX).map($name)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_schema(Self::MAX, $example)
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )*

        /// Every kind of bounded text as a named schema (query parameters refer to them too,
        /// and those references are not collected by the routes).
        pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
            vec![$((stringify!($name).to_owned(), <$name as utoipa::PartialSchema>::schema()),)*]
        }
    };
}

bounded_text! {
    /// An email address (RFC 5321's 254 characters).
    Email = 254, "dana@globex.test";
    /// A password as typed; new ones must also pass the password policy.
    Password = kt_domain::password::MAX_CHARS, "";
    /// A display name of a person, organization, portal, rule or policy.
    Name = 120, "Globex";
    /// A ticket's subject.
    Subject = 200, "The contact form no longer sends";
    /// A message or description in Markdown.
    Body = kt_domain::ticket::MAX_BODY_CHARS, "Since this morning the form on /contact shows an error.";
    /// A time entry's note.
    Note = kt_domain::ticket::MAX_TIME_NOTE_CHARS, "";
    /// A satisfaction survey's comment.
    Comment = kt_domain::workflow::MAX_SURVEY_COMMENT_CHARS, "Quick and friendly, thank you.";
    /// The title of a canned response or the name of an assignment rule.
    Title = kt_domain::workflow::MAX_CANNED_TITLE_CHARS, "Fixed, please confirm";
    /// A canned response's text (Markdown with variables).
    CannedBody = kt_domain::workflow::MAX_CANNED_BODY_CHARS, "";
    /// A mail template's body (Markdown with variables).
    TemplateBody = kt_domain::mail::template::MAX_BODY_CHARS, "Hello {{recipient.first_name}},\n\n{{notification.body}}";
    /// The name of a service-level policy or of its calendar.
    PolicyName = kt_domain::sla::MAX_NAME_CHARS, "Standard";
    /// An identifier (ULIDs are 26 characters), a ticket number, a key or a word from a list.
    Id = 64, "01JD00000000000000000000G0";
    /// An opaque token the API handed out (sign-in challenges, links, invitations, surveys).
    Token = 512, "";
    /// A one-time code, a recovery code or a phone number.
    Code = 32, "";
    /// A tag, shortcut, colour, font or date.
    Short = 64, "";
    /// A web address or a host name.
    Url = 2048, "https://acme-agency.test/terms";
    /// A file name or a media type.
    FileName = kt_domain::ticket::MAX_FILENAME_CHARS, "screenshot.png";
    /// The `next_cursor` of a previous page.
    Cursor = 2048, "";
    /// An amount of money or a decimal number as a string, exactly as written (`"1234.50"`).
    Amount = 40, "120.00";
    /// An invoice line's description.
    LineText = kt_domain::invoice::draft::MAX_DESCRIPTION_CHARS, "Website maintenance, November";
    /// An invoice's notes or terms text.
    LongText = kt_domain::invoice::draft::MAX_TEXT_CHARS, "";
    /// A search as typed: words, "phrases", -exclusions and filters (`status:open`).
    SearchText = kt_domain::search::MAX_QUERY, "password reset status:open";
    /// A knowledge-base article in Markdown.
    ArticleBody = kt_domain::kb::MAX_BODY, "## Resetting your password\n\nOpen **Sign in** and choose *Forgot password*.";
}

// Query parameters holding one word of a list: named schemas (so the parameter keeps its
// description and whether it is required), read as bounded text for the handler to check.
macro_rules! word_param {
    ($($(#[$doc:meta])* $name:ident = $component:literal, $words:path;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                bounded(s, Short::MAX).map($name)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                Schema::Object($words().build()).into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($component)
            }
        }
    )*

        /// The word lists as named schemas.
        pub fn word_schemas() -> Vec<(String, RefOr<Schema>)> {
            vec![$(($component.to_owned(), <$name as utoipa::PartialSchema>::schema()),)*]
        }
    };
}

word_param! {
    /// A priority as a query parameter.
    PriorityParam = "Priority", words::priority;
    /// A category as a query parameter.
    CategoryParam = "Category", words::category;
    /// A kind of notification as a query parameter.
    NotificationKindParam = "NotificationKind", words::notification_kind;
    /// An invoice status as a query parameter.
    InvoiceStatusParam = "InvoiceStatus", words::invoice_status;
}

// An `Id` reads as the domain's identifiers with the same check as their text.
macro_rules! id_from_text {
    ($($id:ty),*) => {$(
        impl TryFrom<Id> for $id {
            type Error = <$id as TryFrom<String>>::Error;
            fn try_from(v: Id) -> Result<Self, Self::Error> {
                <$id>::try_from(v.0)
            }
        }
    )*};
}

id_from_text!(
    kt_domain::identity::TenantId,
    kt_domain::identity::OrgId,
    kt_domain::identity::UserId,
    kt_domain::identity::TicketId
);

/// The texts of a list, as the use cases take them.
/// An optional RFC 3339 time as typed (`2026-12-05T10:00:00Z`), its error naming `field`.
pub fn rfc3339(raw: Option<&str>, field: &str) -> Result<Option<time::OffsetDateTime>, kt_app::AppError> {
    raw.map(|s| {
        time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
            .map_err(|_| kt_app::AppError::invalid(field, "use RFC 3339"))
    })
    .transpose()
}

pub fn texts<T: Into<String>>(list: Vec<T>) -> Vec<String> {
    list.into_iter().map(Into::into).collect()
}

fn bounded<E: serde::de::Error>(s: String, max: usize) -> Result<String, E> {
    if s.chars().count() > max { Err(E::custom(format!("must be at most {max} characters"))) } else { Ok(s) }
}

fn string_schema(max: usize, example: &str) -> RefOr<Schema> {
    let builder = ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).max_length(Some(max));
    let builder = if example.is_empty() { builder } else { builder.examples([example]) };
    builder.into()
}

/// The schema of a field holding one of `words` (use with `#[schema(schema_with = ...)]`).
pub fn one_of<S: Into<String>>(words: impl IntoIterator<Item = S>) -> ObjectBuilder {
    let words: Vec<String> = words.into_iter().map(Into::into).collect();
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).enum_values(Some(words))
}

/// The schema of an optional field holding one of `words`.
pub fn maybe_one_of<S: Into<String>>(words: impl IntoIterator<Item = S>) -> ObjectBuilder {
    let words: Vec<String> = words.into_iter().map(Into::into).collect();
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])).enum_values(Some(words))
}

/// The schema of a list of `words`.
pub fn list_of<S: Into<String>>(words: impl IntoIterator<Item = S>) -> ArrayBuilder {
    ArrayBuilder::new().items(one_of(words))
}

/// Schemas for the word lists of the domain, e.g.
/// `#[schema(schema_with = kt_http::input::words::priority)]`: for each list, the field
/// (`priority`), the optional field (`maybe_priority`) and the list (`priorities`).
pub mod words {
    use super::{list_of, maybe_one_of, one_of};
    use kt_domain::auth::{ApiKeyKind, SecondFactor};
    use kt_domain::identity::Role;
    use kt_domain::notification::Kind;
    use kt_domain::policy::MATRIX;
    use kt_domain::tenancy::{Font, TenantStatus, UserStatus};
    use kt_domain::ticket::{Category, Priority, Status};
    use kt_domain::workflow::Strategy;
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder};

    /// The words serde writes for `all` (the domain's own spelling).
    pub fn names<'a, T: serde::Serialize + 'a>(all: impl IntoIterator<Item = &'a T>) -> Vec<String> {
        all.into_iter().filter_map(|w| serde_json::to_value(w).ok()?.as_str().map(str::to_owned)).collect()
    }

    macro_rules! word_schemas {
        ($($one:ident, $maybe:ident, $list:ident => $all:expr;)*) => {$(
            pub fn $one() -> ObjectBuilder {
                one_of(names($all))
            }
            pub fn $maybe() -> ObjectBuilder {
                maybe_one_of(names($all))
            }
            pub fn $list() -> ArrayBuilder {
                list_of(names($all))
            }
        )*};
    }

    word_schemas! {
        priority, maybe_priority, priorities => &Priority::ALL;
        category, maybe_category, categories => &Category::ALL;
        status, maybe_status, statuses => &Status::ALL;
        role, maybe_role, roles => &Role::ALL;
        user_status, maybe_user_status, user_statuses => &UserStatus::ALL;
        tenant_status, maybe_tenant_status, tenant_statuses => &TenantStatus::ALL;
        font, maybe_font, fonts => &Font::ALL;
        second_factor, maybe_second_factor, second_factors => &SecondFactor::ALL;
        api_key_kind, maybe_api_key_kind, api_key_kinds => &ApiKeyKind::ALL;
        strategy, maybe_strategy, strategies => &Strategy::ALL;
        notification_kind, maybe_notification_kind, notification_kinds => &Kind::ALL;
        permission, maybe_permission, permissions => MATRIX.iter().map(|row| &row.2);
        invoice_status, maybe_invoice_status, invoice_statuses => &kt_domain::invoice::Status::ALL;
        payment_method, maybe_payment_method, payment_methods => &kt_domain::invoice::ledger::Method::ALL;
        date_format, maybe_date_format, date_formats => &kt_domain::invoice::print::DateFormat::ALL;
        amount_style, maybe_amount_style, amount_styles => &kt_domain::invoice::print::AmountStyle::ALL;
        paper, maybe_paper, papers => &kt_domain::invoice::print::Paper::ALL;
        conversation_kind, maybe_conversation_kind, conversation_kinds => &kt_domain::messaging::Kind::ALL;
        announcement_display, maybe_announcement_display, announcement_displays => &kt_domain::announcement::Display::ALL;
        severity, maybe_severity, severities => &kt_domain::announcement::Severity::ALL;
        announcement_state, maybe_announcement_state, announcement_states => &kt_domain::announcement::State::ALL;
        form_availability, maybe_form_availability, form_availabilities => &kt_domain::forms::Availability::ALL;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_more_than_its_maximum_counting_characters_not_bytes() {
        let at_max = "é".repeat(Subject::MAX);
        let ok: Subject = serde_json::from_value(serde_json::json!(at_max)).unwrap();
        assert_eq!(ok.chars().count(), Subject::MAX);
        let over = format!("{at_max}x");
        let err = serde_json::from_value::<Subject>(serde_json::json!(over)).unwrap_err();
        assert!(err.to_string().contains("at most 200 characters"), "{err}");
    }

    #[test]
    fn documents_its_maximum() {
        let json = serde_json::to_value(<Email as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(json["maxLength"], 254);
        assert_eq!(json["type"], "string");
    }

    #[test]
    fn word_lists_come_from_the_domain() {
        let json = serde_json::to_value(Schema::Object(words::priority().build())).unwrap();
        assert_eq!(json["enum"], serde_json::json!(["low", "medium", "high", "critical"]));
    }
}
