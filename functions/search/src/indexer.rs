//! The search queue's consumer: [`kt_app::search::indexing::Indexer`] in a dispatcher timed to
//! the function's timeout.

use std::time::Duration;

use kt_app::AppState;
use kt_app::worker::{Dispatcher, LOCAL_VISIBILITY};

/// The function's timeout in `template.yaml` (SearchIndexerFunction).
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub fn dispatcher(state: &AppState) -> Dispatcher {
    kt_app::search::indexing::dispatcher(state).with_timing(TIMEOUT, LOCAL_VISIBILITY)
}
