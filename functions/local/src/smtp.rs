//! The local host's SMTP listener (`portal serve --smtp-port`): what SES inbound is on AWS.
//! It takes mail for the portal's inbound addresses only (anything else is refused at RCPT),
//! refuses a message over the size limit with a clear 552, and answers 250 only once the raw
//! message is kept and recorded through the same code as the SES path
//! ([`kt_app::inbound::receive`]); a failure answers 451 so the sender tries again. Nothing
//! here checks SPF, DKIM or DMARC: the verdicts are recorded as `none`.

use std::net::{IpAddr, SocketAddr, TcpListener};

use bytes::Bytes;
use kt_app::AppState;
use kt_app::inbound::{Envelope, routes};
use kt_domain::mail::inbound::{MAX_MESSAGE_BYTES, Verdicts};
use mailin_embedded::{Handler, Response, Server, response};
use tokio::runtime::Handle;

/// Concurrent SMTP sessions at most.
const SESSIONS: u32 = 32;

#[derive(Clone)]
struct Session {
    app: AppState,
    rt: Handle,
    mail_from: Option<String>,
    recipients: Vec<String>,
    data: Vec<u8>,
    too_large: bool,
}

impl Session {
    fn reset(&mut self) {
        self.mail_from = None;
        self.recipients.clear();
        self.data.clear();
        self.too_large = false;
    }
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.reset();
        self.mail_from = Some(from.trim().trim_start_matches('<').trim_end_matches('>').to_owned());
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let to = to.trim().trim_start_matches('<').trim_end_matches('>').to_owned();
        let app = self.app.clone();
        let one = vec![to.clone()];
        match self.rt.block_on(async move { routes(&app, &one).await }) {
            Ok(found) if !found.is_empty() => {
                self.recipients.push(to);
                response::OK
            }
            Ok(_) => Response::custom(550, "5.1.1 No such mailbox here".into()),
            Err(e) => {
                tracing::warn!(error = %e, "SMTP: could not look up a recipient");
                response::INTERNAL_ERROR
            }
        }
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.data.len() + buf.len() > MAX_MESSAGE_BYTES {
            self.too_large = true;
            self.data.clear();
        } else if !self.too_large {
            self.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if self.too_large {
            self.reset();
            return Response::custom(
                552,
                format!("5.3.4 Message too big: the portal takes at most {} MB", MAX_MESSAGE_BYTES / 1024 / 1024),
            );
        }
        let raw = Bytes::from(std::mem::take(&mut self.data));
        let envelope = Envelope {
            recipients: std::mem::take(&mut self.recipients),
            mail_from: self.mail_from.take(),
            verdicts: Verdicts::default(),
        };
        let app = self.app.clone();
        match self.rt.block_on(async move { kt_app::inbound::receive(&app, raw, envelope).await }) {
            Ok(_) => response::OK,
            Err(e) => {
                tracing::warn!(error = %e, "SMTP: a message could not be kept; the sender retries");
                response::INTERNAL_ERROR
            }
        }
    }
}

/// Starts the listener on `port` (0: any free port) in threads of its own; the address it
/// listens on.
pub fn start(app: AppState, port: u16) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port)))?;
    let addr = listener.local_addr()?;
    let session = Session {
        app: app.clone(),
        rt: Handle::current(),
        mail_from: None,
        recipients: vec![],
        data: vec![],
        too_large: false,
    };
    let mut server = Server::new(session);
    server.with_name(app.config.mail_inbound_domain.clone()).with_num_threads(SESSIONS).with_tcp_listener(listener);
    std::thread::Builder::new().name("smtp".into()).spawn(move || {
        if let Err(e) = server.serve() {
            tracing::error!(error = %e, "the SMTP listener stopped");
        }
    })?;
    Ok(addr)
}
