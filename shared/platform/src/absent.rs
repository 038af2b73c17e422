//! [`Absent`]: the port a function was built without. A Lambda function wires only the clients
//! its routes and events use (and its IAM policy allows); any other port answers
//! `Unavailable` naming itself, so a use case that reaches one is a clear error in the logs (and
//! a failed deployed-shape test), never a silent fallback to another service.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use kt_domain::identity::PhoneNumber;

use crate::blobs::{Blob, BlobError, BlobMeta, Blobs, PresignedUpload, UploadSpec};
use crate::mailer::{Mail, MailError, Mailer, SentMail};
use crate::push::{Push, PushError};
use crate::queue::{DeadLetter, Queue, QueueError, Received};
use crate::sms::{Sms, SmsError};

/// A port this process was not wired with; `name` says which (`blobs`, `queue`, ...).
#[derive(Debug, Clone, Copy)]
pub struct Absent(pub &'static str);

impl Absent {
    fn why(&self) -> String {
        format!("the {} port is not wired into this function", self.0)
    }
}

#[async_trait]
impl Blobs for Absent {
    async fn put(&self, _: &str, _: Bytes, _: &str) -> Result<(), BlobError> {
        Err(BlobError::Unavailable(self.why()))
    }
    async fn get(&self, _: &str) -> Result<Option<Blob>, BlobError> {
        Err(BlobError::Unavailable(self.why()))
    }
    async fn head(&self, _: &str) -> Result<Option<BlobMeta>, BlobError> {
        Err(BlobError::Unavailable(self.why()))
    }
    async fn delete(&self, _: &str) -> Result<(), BlobError> {
        Err(BlobError::Unavailable(self.why()))
    }
    async fn list(&self, _: &str) -> Result<Vec<BlobMeta>, BlobError> {
        Err(BlobError::Unavailable(self.why()))
    }
    async fn presign_upload(&self, _: &UploadSpec) -> Result<PresignedUpload, BlobError> {
        Err(BlobError::Unavailable(self.why()))
    }
    async fn presign_download(&self, _: &str, _: Duration, _: Option<&str>) -> Result<String, BlobError> {
        Err(BlobError::Unavailable(self.why()))
    }
}

#[async_trait]
impl Queue for Absent {
    async fn send(&self, _: &str, _: &str, _: Duration) -> Result<String, QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
    async fn send_batch(&self, _: &str, _: &[String]) -> Result<Vec<Result<String, QueueError>>, QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
    async fn receive(&self, _: &str, _: u32, _: Duration, _: Duration) -> Result<Vec<Received>, QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
    async fn ack(&self, _: &str, _: &str) -> Result<(), QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
    async fn retry_after(&self, _: &str, _: &str, _: Duration) -> Result<(), QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
    async fn dead_letters(&self, _: &str, _: u32) -> Result<Vec<DeadLetter>, QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
    async fn replay_dead_letters(&self, _: &str, _: u32) -> Result<u32, QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
    async fn replay_dead_letter(&self, _: &str, _: &str) -> Result<bool, QueueError> {
        Err(QueueError::Unavailable(self.why()))
    }
}

#[async_trait]
impl Mailer for Absent {
    async fn send(&self, _: &Mail) -> Result<SentMail, MailError> {
        Err(MailError::Unavailable(self.why()))
    }
}

#[async_trait]
impl Push for Absent {
    async fn send(&self, _: &str, _: &str) -> Result<(), PushError> {
        Err(PushError::Unavailable(self.why()))
    }
}

#[async_trait]
impl Sms for Absent {
    async fn send(&self, _: &PhoneNumber, _: &str) -> Result<String, SmsError> {
        Err(SmsError::Unavailable(self.why()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_call_names_the_missing_port() {
        let err = Blobs::delete(&Absent("blobs"), "k").await.unwrap_err();
        assert!(err.to_string().contains("blobs port is not wired"), "{err}");
        let err = Queue::send(&Absent("queue"), "events", "{}", Duration::ZERO).await.unwrap_err();
        assert!(err.to_string().contains("queue port"), "{err}");
        let err = Push::send(&Absent("push"), "c", "{}").await.unwrap_err();
        assert!(matches!(err, PushError::Unavailable(m) if m.contains("push port")));
    }
}

#[async_trait]
impl crate::payments::Payments for Absent {
    fn provider(&self) -> &'static str {
        self.0
    }
    async fn create_customer(
        &self,
        _: &crate::payments::Account,
        _: &crate::payments::CustomerInfo,
        _: &str,
    ) -> Result<String, crate::payments::PaymentError> {
        Err(crate::payments::PaymentError::Unavailable(self.why()))
    }
    async fn create_intent(
        &self,
        _: &crate::payments::Account,
        _: &crate::payments::IntentRequest,
    ) -> Result<crate::payments::Intent, crate::payments::PaymentError> {
        Err(crate::payments::PaymentError::Unavailable(self.why()))
    }
    async fn get_intent(
        &self,
        _: &crate::payments::Account,
        _: &str,
    ) -> Result<crate::payments::Intent, crate::payments::PaymentError> {
        Err(crate::payments::PaymentError::Unavailable(self.why()))
    }
    async fn confirm_intent(
        &self,
        _: &crate::payments::Account,
        _: &str,
        _: &str,
    ) -> Result<crate::payments::Intent, crate::payments::PaymentError> {
        Err(crate::payments::PaymentError::Unavailable(self.why()))
    }
    async fn refund(
        &self,
        _: &crate::payments::Account,
        _: &crate::payments::RefundRequest,
    ) -> Result<crate::payments::Refund, crate::payments::PaymentError> {
        Err(crate::payments::PaymentError::Unavailable(self.why()))
    }
}

#[async_trait]
impl crate::webpush::WebPush for Absent {
    fn public_key(&self) -> String {
        String::new()
    }
    fn allows(&self, _: &str) -> Result<(), crate::webpush::WebPushError> {
        Err(crate::webpush::WebPushError::Unavailable(self.why()))
    }
    async fn send(
        &self,
        _: &crate::webpush::Subscription,
        _: &[u8],
        _: u32,
    ) -> Result<crate::webpush::Delivered, crate::webpush::WebPushError> {
        Err(crate::webpush::WebPushError::Unavailable(self.why()))
    }
}

#[async_trait]
impl crate::search::SearchIndex for Absent {
    async fn apply(&self, _: &[crate::search::Change]) -> Result<(), crate::search::SearchError> {
        Err(crate::search::SearchError::Unavailable(self.why()))
    }
    async fn search(
        &self,
        _: &crate::search::SearchRequest,
    ) -> Result<crate::search::SearchPage, crate::search::SearchError> {
        Err(crate::search::SearchError::Unavailable(self.why()))
    }
    async fn clear(&self) -> Result<(), crate::search::SearchError> {
        Err(crate::search::SearchError::Unavailable(self.why()))
    }
    async fn count(&self) -> Result<u64, crate::search::SearchError> {
        Err(crate::search::SearchError::Unavailable(self.why()))
    }
}
