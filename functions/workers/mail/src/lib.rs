//! The email queue's consumers, shared by the Lambda and the local host: `mail.requested`
//! events become sent mail, `text.requested` events sent texts, `push.requested` events
//! browser pushes, once each.

use std::sync::Arc;
use std::time::Duration;

use kt_app::AppState;
use kt_app::mail::{MailConsumer, QUEUE, TextConsumer};
use kt_app::notifications::push::PushConsumer;
use kt_app::worker::{Dispatcher, LOCAL_VISIBILITY};

/// The function's timeout in `template.yaml` (MailWorkerFunction): a handling is cut off, and its claim
/// expires, by then (the deployed-shape test holds the two equal).
pub const TIMEOUT: Duration = Duration::from_secs(10);

pub fn dispatcher(state: &AppState) -> Dispatcher {
    Dispatcher::new(
        QUEUE,
        state.store.clone(),
        state.clock.clone(),
        vec![
            Arc::new(MailConsumer::new(state.clone())),
            Arc::new(TextConsumer::new(state.sms.clone())),
            Arc::new(PushConsumer::new(state.store.clone(), state.web_push.clone())),
        ],
    )
    .with_timing(TIMEOUT, LOCAL_VISIBILITY)
}
