//! The sender services use: validate every event locally, give it an `event_id`, batch, send with
//! bounded concurrency, retry what is transient, and account for every event.
//!
//! A service's `Cargo.toml` needs capi-kit without its default features (the `capi` command and
//! the fake) and a tokio runtime:
//!
//! ```toml
//! [package]
//! name = "my-service"
//! version = "0.1.0"
//! edition = "2024"
//!
//! [dependencies]
//! capi-kit = { path = "../capi-kit", default-features = false }   # or a git = "…" of this repository
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! ```no_run
//! use capi_kit::AccessToken;
//! use capi_kit::events::{EventDraft, EventName};
//! use capi_kit::pii::Customer;
//! use capi_kit::sender::EventSender;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let token = AccessToken::new(std::env::var("CAPI_ACCESS_TOKEN")?);
//!     let sender = EventSender::builder("1234567890", token).concurrency(4).build()?;
//!     let now = capi_kit::rules::unix_now();
//!     let url = "https://shop.example/checkout";
//!     let event = EventDraft::website(EventName::purchase(42.5, "EUR"), now, url, "Mozilla/5.0")
//!         .customer(&Customer::new().email("shopper@example.com"))?
//!         .event_id("order-1001")
//!         .build()?;
//!     let report = sender.send(vec![event]).await;
//!     // `3 accepted, 1 rejected, 0 not delivered, of 4 events`; `{:#}` adds a line per event
//!     // not accepted, with its rule id and blame path.
//!     println!("{report:#}");
//!     assert!(report.accounts_for_every_event());
//!     Ok(())
//! }
//! ```
//!
//! For each event, in input order: it is checked with the same [`rules`] Graph
//! applies (an event that breaks one is reported rejected with its input position, the rule id,
//! the blame path and the message, and never sent); it gets a deterministic `event_id` when it has
//! none ([`event_id_for`]); valid events are batched and sent, at most `concurrency` requests at
//! once. Transient failures (Graph's `is_transient`, codes 1, 2, 4, 17, 341 and 613, HTTP 5xx or an HTML
//! page from a proxy, timeouts and broken connections) are retried with exponential backoff and
//! full jitter, up to the attempts and the deadline; throttling pauses every worker. The time rules
//! are checked again before every retry. Nothing else is retried.

mod batch;
mod config;
mod deliver;
mod event_id;
mod report;
mod retry;

use std::borrow::BorrowMut;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::generated::Client;
use crate::generated::types::ServerEvent;
use crate::rules::{self, Context};
use crate::secret::AccessToken;

pub use config::{
    ConfigError, DEFAULT_MAX_BATCH_BYTES, ProgressHook, RejectionPolicy, RetryPolicy,
    SenderBuilder, SenderConfig,
};
pub use event_id::event_id_for;
pub use report::{
    AcceptedBatch, DeliveryReport, EventWarning, GraphRefusal, RejectedEvent, Rejection,
    UndeliveredEvent,
};

use batch::{Batch, OpenBatch};
use deliver::Shared;

/// Sends events to one pixel: cheap to clone, and clones share one connection pool and one
/// throttling state.
#[derive(Clone)]
pub struct EventSender {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for EventSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The config's token and secret redact themselves.
        f.debug_struct("EventSender")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl EventSender {
    /// A builder for a sender to `pixel_id` with `token`; every other setting has a default.
    pub fn builder(pixel_id: impl Into<String>, token: AccessToken) -> SenderBuilder {
        SenderBuilder {
            config: SenderConfig::new(pixel_id.into(), token),
        }
    }

    pub(crate) fn from_parts(config: SenderConfig, client: Client) -> Self {
        let body_tail =
            batch::body_tail(config.test_event_code.clone(), config.partner_agent.clone());
        EventSender {
            shared: Arc::new(Shared {
                config,
                client,
                throttle: retry::ThrottleGate::default(),
                body_tail,
                body_size: batch::BodySizer::new(),
            }),
        }
    }

    /// Sends `events` and accounts for each of them (see the [module docs](self)).
    pub async fn send(&self, events: Vec<ServerEvent>) -> DeliveryReport {
        self.send_all(events).await
    }

    /// Sends every event of `events`, an iterator read as batches fill: at most `concurrency`
    /// batches (plus the one being filled) are held at once, so a million events need not be in
    /// memory together. Must be called within a Tokio runtime.
    ///
    /// The items may be events or boxed events (`Box<ServerEvent>`, which spares moving each
    /// 2.5 KB event), or anything else that lends a `&mut ServerEvent`: each is serialized and
    /// dropped as soon as it is batched.
    pub async fn send_all<E: BorrowMut<ServerEvent>>(
        &self,
        events: impl IntoIterator<Item = E>,
    ) -> DeliveryReport {
        let mut intake = Intake::new(self);
        for mut event in events {
            intake.push(event.borrow_mut()).await;
        }
        intake.finish().await
    }

    /// Sends every event of `events`, a stream read as batches fill (events arriving from a queue,
    /// say), with the same account as [`send_all`](Self::send_all).
    pub async fn send_stream<E: BorrowMut<ServerEvent>>(
        &self,
        events: impl futures_core::Stream<Item = E>,
    ) -> DeliveryReport {
        let mut intake = Intake::new(self);
        let mut events = std::pin::pin!(events);
        while let Some(mut event) = std::future::poll_fn(|cx| events.as_mut().poll_next(cx)).await {
            intake.push(event.borrow_mut()).await;
        }
        intake.finish().await
    }

    /// Hands `request` each body `send` would post for `events` (the JSON of an `EventRequest`),
    /// as soon as its batch is full, and returns the events it would reject; nothing is sent
    /// (`event_id`s are made as they would be).
    pub fn dry_run<E: BorrowMut<ServerEvent>>(
        &self,
        events: impl IntoIterator<Item = E>,
        mut request: impl FnMut(&[u8]),
    ) -> Vec<RejectedEvent> {
        let batch_size = self.shared.config.batch_size;
        let mut ctx = self.context();
        let mut rejected = Vec::new();
        let mut batch = self.shared.body_size.open(batch_size);
        for (index, mut event) in events.into_iter().enumerate() {
            if batch.is_empty() {
                ctx = self.context();
            }
            if let Err(refused) = self.prepare(index, event.borrow_mut(), &ctx, &mut batch) {
                rejected.push(*refused);
            }
            if let Some(full) = self.take_full(&mut batch) {
                request(&full.body());
            }
        }
        if !batch.is_empty() {
            request(&self.finish(batch).body());
        }
        rejected
    }

    /// Checks `event` by the rules and, when it passes, writes it into `batch` with its
    /// `event_id` (made when it has none), returning the warn-level rules it breaks. What is
    /// refused comes back with its reason.
    fn prepare(
        &self,
        index: usize,
        event: &mut ServerEvent,
        ctx: &Context,
        batch: &mut OpenBatch,
    ) -> Result<Vec<EventWarning>, Box<RejectedEvent>> {
        let config = &self.shared.config;
        let ids_for = config.assign_event_ids.then_some(config.pixel_id.as_str());
        let warnings = match rules::check_event(event, index, ctx) {
            Ok(warnings) => warnings,
            Err(violation) => {
                // The id it would have had, so that the report can name it.
                let event_id = match (event.event_id.take(), ids_for) {
                    (Some(id), _) if !id.is_empty() => Some(id),
                    (_, Some(pixel_id)) => Some(event_id_for(pixel_id, event)),
                    (id, None) => id,
                };
                return Err(Box::new(RejectedEvent {
                    index,
                    event_id,
                    reason: Rejection::Rule(violation),
                }));
            }
        };
        match batch.push(index, event, ids_for) {
            Ok(event_id) => Ok(warnings
                .into_iter()
                .map(|warning| EventWarning {
                    index,
                    event_id: event_id.map(str::to_owned),
                    warning,
                })
                .collect()),
            Err(error) => Err(Box::new(RejectedEvent {
                index,
                event_id: event.event_id.take(),
                reason: Rejection::Unserializable(error.to_string()),
            })),
        }
    }

    /// The batch to post now, when `batch` is full: by count, or by bytes (then the event that
    /// took it past the byte limit starts the next batch). `batch` is left as the next one.
    fn take_full(&self, batch: &mut OpenBatch) -> Option<Batch> {
        let shared = &self.shared;
        let over_bytes = batch.len() > 1
            && batch.body_len() + shared.body_tail.len() > shared.config.max_batch_bytes;
        if !over_bytes && batch.len() < shared.config.batch_size {
            return None;
        }
        let mut next = self.next_batch(batch);
        if over_bytes {
            batch.move_last_into(&mut next);
        }
        let full = std::mem::replace(batch, next);
        Some(self.finish(full))
    }

    /// An empty batch to follow `full`, its body sized after it.
    fn next_batch(&self, full: &OpenBatch) -> OpenBatch {
        let shared = &self.shared;
        shared.body_size.learn(full);
        shared.body_size.open(shared.config.batch_size)
    }

    /// A batch closed with this sender's request-level members.
    fn finish(&self, batch: OpenBatch) -> Batch {
        batch.finish(&self.shared.body_tail)
    }

    /// The rules' context for a batch starting now.
    fn context(&self) -> Context {
        Context::now().strict(self.shared.config.strict)
    }

    fn progress(&self, events: usize) {
        if let Some(progress) = &self.shared.config.progress {
            progress(events);
        }
    }
}

/// The events of one `send` as they come in: prepared one by one into a batch, and handed to
/// delivery tasks, at most `concurrency` at once.
struct Intake<'a> {
    sender: &'a EventSender,
    deadline: Instant,
    permits: Arc<Semaphore>,
    tasks: JoinSet<DeliveryReport>,
    report: DeliveryReport,
    batch: OpenBatch,
    /// The time the rules check against, taken again for every batch (a long stream would
    /// otherwise check its last events against the time it started).
    ctx: Context,
    /// The events of each running delivery task, so that even a task that failed (it cannot on
    /// input) leaves its events accounted for, as not delivered.
    in_flight: std::collections::HashMap<tokio::task::Id, Vec<(usize, Option<String>)>>,
}

impl<'a> Intake<'a> {
    fn new(sender: &'a EventSender) -> Self {
        let config = &sender.shared.config;
        Intake {
            sender,
            deadline: Instant::now() + config.retry.deadline,
            permits: Arc::new(Semaphore::new(config.concurrency)),
            tasks: JoinSet::new(),
            report: DeliveryReport::default(),
            batch: sender.shared.body_size.open(config.batch_size),
            ctx: sender.context(),
            in_flight: std::collections::HashMap::new(),
        }
    }

    /// Takes the next event: rejected at once, or batched (a full batch starts its delivery).
    async fn push(&mut self, event: &mut ServerEvent) {
        let index = self.report.submitted;
        self.report.submitted += 1;
        if self.batch.is_empty() {
            self.ctx = self.sender.context();
        }
        match self
            .sender
            .prepare(index, event, &self.ctx, &mut self.batch)
        {
            Ok(warnings) => self.report.warnings.extend(warnings),
            Err(rejected) => {
                self.report.rejected.push(*rejected);
                self.sender.progress(1);
            }
        }
        if let Some(full) = self.sender.take_full(&mut self.batch) {
            self.spawn(full).await;
        }
    }

    /// Delivers what is left and waits for every delivery: the account of every event.
    async fn finish(mut self) -> DeliveryReport {
        if !self.batch.is_empty() {
            let last = std::mem::replace(&mut self.batch, OpenBatch::with_capacity(0, 0));
            self.spawn(self.sender.finish(last)).await;
        }
        while let Some(done) = self.tasks.join_next_with_id().await {
            self.merge(done);
        }
        self.report.sort();
        self.report
    }

    /// Starts delivering `batch` once a permit is free, collecting finished batches meanwhile.
    async fn spawn(&mut self, batch: Batch) {
        while let Some(done) = self.tasks.try_join_next_with_id() {
            self.merge(done);
        }
        // The semaphore is never closed, so acquiring cannot fail.
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            return;
        };
        let shared = self.sender.shared.clone();
        let deadline = self.deadline;
        let events = batch
            .entries()
            .iter()
            .map(|e| (e.index, e.event_id.clone()))
            .collect();
        let task = self.tasks.spawn(async move {
            let _permit = permit;
            deliver::deliver(shared, batch, deadline).await
        });
        self.in_flight.insert(task.id(), events);
    }
    /// Takes a finished delivery's account; a failed task's events become not delivered.
    fn merge(&mut self, done: Result<(tokio::task::Id, DeliveryReport), tokio::task::JoinError>) {
        match done {
            Ok((id, part)) => {
                self.in_flight.remove(&id);
                self.report.merge(part);
            }
            Err(error) => {
                tracing::error!(%error, "a delivery task failed");
                let events = self.in_flight.remove(&error.id()).unwrap_or_default();
                let last_error = format!("the delivery task failed: {error}");
                self.report
                    .not_delivered
                    .extend(
                        events
                            .into_iter()
                            .map(|(index, event_id)| UndeliveredEvent {
                                index,
                                event_id,
                                attempts: 0,
                                last_error: last_error.clone(),
                            }),
                    );
            }
        }
    }
}
