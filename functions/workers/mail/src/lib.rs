//! The email queue's consumer, shared by the Lambda and the local host: `mail.requested`
//! events become sent mail, once each.

use std::sync::Arc;

use kt_app::AppState;
use kt_app::mail::{MailConsumer, QUEUE};
use kt_app::worker::Dispatcher;

pub fn dispatcher(state: &AppState) -> Dispatcher {
    Dispatcher::new(
        QUEUE,
        state.store.clone(),
        state.clock.clone(),
        vec![Arc::new(MailConsumer::new(state.mailer.clone()))],
    )
}
