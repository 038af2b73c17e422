//! The use-case error: what went wrong in terms a caller can act on. The HTTP layer maps it to
//! problem+json; internal causes are logged there, never returned.

use kt_store::{StoreError, Violation};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// JSON pointer-ish path of the field at fault, e.g. `subject` or `items[2].amount`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Absent, or not visible to the actor (existence is never revealed).
    #[error("not found")]
    NotFound,
    /// Visible, but the actor may not do this.
    #[error("forbidden")]
    Forbidden,
    #[error("authentication required")]
    Unauthenticated,
    /// A sign-in step refused, saying why (so people can be told what to do).
    #[error("sign-in refused: {0:?}")]
    SignInRefused(Refusal),
    /// Input that breaks a rule; nothing was written.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The resource changed since the caller read it (`If-Match` mismatch).
    #[error("precondition failed")]
    PreconditionFailed,
    /// The request conflicts with the current state (duplicate, wrong status, ...).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// A dependency failed; the detail is for logs only.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why a sign-in step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The email and password do not match an active account (which of them is not said).
    WrongCredentials,
    /// The second-factor code was wrong; `tries_left` before the sign-in must start again.
    WrongCode { tries_left: u32 },
    /// The sign-in's challenge ended (expired, used up, or used by another request).
    Expired,
}

impl AppError {
    /// Whether this is an authentication failure of any kind (a missing session or a refused sign-in step).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, AppError::Unauthenticated | AppError::SignInRefused(_))
    }

    /// Every broken rule of one input at once, so the client can fix all fields in one go.
    pub fn from_invalid(errors: Vec<kt_domain::identity::Invalid>) -> Self {
        AppError::Invalid(errors.into_iter().map(|e| FieldError::new(e.field, e.message)).collect())
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }
}

/// Asks the policy and answers in use-case terms: out of sight is `NotFound` (existence is not
/// revealed), in sight but not allowed is `Forbidden`.
pub fn permit(
    actor: &kt_domain::policy::Actor,
    permission: kt_domain::policy::Permission,
    resource: &kt_domain::policy::Resource<'_>,
) -> Result<(), AppError> {
    use kt_domain::policy::{Decision, authorize};
    match authorize(actor, permission, resource) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(AppError::NotFound),
        Decision::Forbidden => Err(AppError::Forbidden),
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => AppError::Conflict("the item changed or already exists".into()),
            StoreError::Invalid(Violation::BadCursor) => AppError::invalid("cursor", "is not a cursor of this list"),
            StoreError::Invalid(Violation::ZeroLimit) => AppError::invalid("limit", "must be at least 1"),
            StoreError::Invalid(Violation::ItemTooLarge { .. } | Violation::TransactionTooLarge { .. }) => {
                AppError::Invalid(vec![FieldError::new("body", "is too large to store")])
            }
            StoreError::Invalid(v) => AppError::Internal(format!("store rejected input: {v}")),
            StoreError::Corrupt(d) => AppError::Internal(format!("corrupt item: {d}")),
            StoreError::Unavailable(d) => AppError::Unavailable(d),
        }
    }
}

impl From<kt_platform::QueueError> for AppError {
    fn from(e: kt_platform::QueueError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<kt_platform::BlobError> for AppError {
    fn from(e: kt_platform::BlobError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<kt_domain::identity::Invalid> for AppError {
    fn from(e: kt_domain::identity::Invalid) -> Self {
        AppError::Invalid(vec![FieldError::new(e.field, e.message)])
    }
}
