//! The events queue's consumers, shared by the Lambda and the local host: every `ticket.*`
//! event refreshes the queue positions of the WebSocket subscribers it affects.

use kt_app::AppState;
use kt_app::tickets::{EVENTS, live::LiveConsumer};
use kt_app::worker::Dispatcher;

pub fn dispatcher(state: &AppState) -> Dispatcher {
    Dispatcher::new(EVENTS, state.store.clone(), state.clock.clone(), vec![LiveConsumer::shared(state.clone())])
}
