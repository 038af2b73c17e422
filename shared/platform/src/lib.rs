//! The ports other than the store, each with an AWS adapter and a local one:
//! [`blobs`] (S3 / files), [`queue`] (SQS / SQLite), [`mailer`] (SESv2 / `.eml` outbox),
//! [`push`] (API Gateway management API / in-process hub), [`sms`] (SNS / file outbox),
//! [`webpush`] (browser push to the browsers' push services), plus
//! [`Ids`] and the clock.

pub mod absent;
pub mod aws;
pub mod blobs;
pub mod ids;
pub mod mailer;
pub mod payments;
pub mod push;
pub mod queue;
pub mod search;
pub mod secrets;
pub mod sms;
pub mod webpush;

pub use absent::Absent;
pub use blobs::{Blob, BlobError, BlobMeta, Blobs, PresignedUpload, UploadSpec};
pub use ids::{Ids, UlidIds};
pub use kt_domain::clock::{Clock, ManualClock, SystemClock};
pub use mailer::{Attachment, Mail, MailAddress, MailError, Mailer, SentMail};
pub use push::{Push, PushError};
pub use queue::{DeadLetter, Queue, QueueError, Received};
pub use search::{Change, SearchDoc, SearchError, SearchIndex};
pub use sms::{SentSms, Sms, SmsError};
pub use webpush::{WebPush, WebPushError};
