//! The events queue's consumers, shared by the Lambda and the local host: every `ticket.*`
//! event refreshes the queue positions of the WebSocket subscribers it affects (first: it is
//! the latency-budgeted one), finishes merges, assigns tickets by the assignment rules, then
//! becomes notifications and their mail.

use std::time::Duration;

use kt_app::AppState;
use kt_app::notifications::NotificationConsumer;
use kt_app::tickets::assignment::AssignmentConsumer;
use kt_app::tickets::links::MergeConsumer;
use kt_app::tickets::{EVENTS, live::LiveConsumer};
use kt_app::worker::{Dispatcher, LOCAL_VISIBILITY};

/// The function's timeout in `template.yaml` (EventsWorkerFunction): a handling is cut off, and its claim
/// expires, by then (the deployed-shape test holds the two equal).
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub fn dispatcher(state: &AppState) -> Dispatcher {
    Dispatcher::new(
        EVENTS,
        state.store.clone(),
        state.clock.clone(),
        vec![
            LiveConsumer::shared(state.clone()),
            MergeConsumer::shared(state.clone()),
            AssignmentConsumer::shared(state.clone()),
            NotificationConsumer::shared(state.clone()),
            kt_app::invoices::autocharge::AutoChargeConsumer::shared(state.clone()),
            kt_app::messaging::fanout::MessageConsumer::shared(state.clone()),
            kt_app::search::indexing::Forwarder::shared(state.clone()),
        ],
    )
    .with_timing(TIMEOUT, LOCAL_VISIBILITY)
}
