//! Cursor pagination: `?limit=&cursor=` in, `{items, next_cursor}` out.

use kt_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: u32 = 25;
pub const MAX_LIMIT: u32 = 100;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<crate::input::Cursor>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u32, AppError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(l) if (1..=MAX_LIMIT).contains(&l) => Ok(l),
            Some(_) => Err(AppError::invalid("limit", format!("must be between 1 and {MAX_LIMIT}"))),
        }
    }

    /// The cursor to continue from, as the store reads it.
    pub fn cursor(&self) -> Option<String> {
        self.cursor.clone().map(Into::into)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Paginated<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
