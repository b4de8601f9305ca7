//! Builders that make correct events easy: each `action_source` asks for what it requires, an app's
//! `extinfo` is built from named fields, and [`EventDraft::build`] checks the rest with the rules.
//!
//! ```
//! use capi_kit::events::{AppDevice, EventDraft, EventName, Platform};
//! use capi_kit::pii::Customer;
//!
//! let now = capi_kit::rules::unix_now();
//! // A Purchase is made with its value and currency: Graph refuses one without (2804009, 2804010).
//! let purchase = EventDraft::website(EventName::purchase(49.9, "EUR"), now - 60, "https://shop.example.com/cart", "Mozilla/5.0")
//!     .customer(&Customer::new().email("John_Smith@gmail.com").phone("+1 650 555 1212"))
//!     .unwrap()
//!     .event_id("order-1001")
//!     .build()
//!     .unwrap();
//! assert_eq!(purchase.event_id.as_deref(), Some("order-1001"));
//!
//! let install = EventDraft::app("AppInstall", now - 60, AppDevice::new(Platform::Android, "com.example.shop", "14"), true)
//!     .with(|event| event.user_data.madid = Some("38400000-8cf0-11bd-b23e-10b96e40000d".into()))
//!     .build()
//!     .unwrap();
//! assert_eq!(install.app_data.unwrap().extinfo.unwrap().0.len(), 16);
//! ```

use crate::generated::types::{
    ActionSource, AppData, CustomData, Extinfo, ExtinfoValue, ServerEvent, UserData,
};
use crate::pii::{Customer, PiiError};
use crate::rules::{self, Context, Violation, Warning};

/// What an event is called, and for a standard event whose name brings requirements, what they
/// ask for. Names match case-sensitively, as Graph's do: `purchase` is a custom event, not a
/// `Purchase`.
#[derive(Clone, Debug, PartialEq)]
pub enum EventName {
    /// Any name, standard or custom. A `Purchase` made this way still needs
    /// [`EventDraft::value`], or [`build`](EventDraft::build) refuses it.
    Named(String),
    /// A `Purchase`, with the value and ISO 4217 currency Graph refuses one without.
    Purchase {
        /// `custom_data.value`.
        value: f64,
        /// `custom_data.currency`.
        currency: String,
    },
}

impl EventName {
    /// A `Purchase` of `value` in `currency`.
    pub fn purchase(value: f64, currency: impl Into<String>) -> EventName {
        EventName::Purchase {
            value,
            currency: currency.into(),
        }
    }
}

impl From<&str> for EventName {
    fn from(name: &str) -> EventName {
        EventName::Named(name.to_owned())
    }
}

impl From<&String> for EventName {
    fn from(name: &String) -> EventName {
        EventName::Named(name.clone())
    }
}

impl From<Box<str>> for EventName {
    fn from(name: Box<str>) -> EventName {
        EventName::Named(name.into())
    }
}

impl From<std::borrow::Cow<'_, str>> for EventName {
    fn from(name: std::borrow::Cow<'_, str>) -> EventName {
        EventName::Named(name.into_owned())
    }
}

impl From<String> for EventName {
    fn from(name: String) -> EventName {
        EventName::Named(name)
    }
}

/// An event being built. The constructors take what its `action_source` requires, and its
/// [`EventName`] what the name requires; the rest is optional and checked by
/// [`build`](Self::build).
#[derive(Clone, Debug, PartialEq)]
#[must_use]
// Boxed: a `ServerEvent` is about 2.5 KB, and each setter moves the draft.
pub struct EventDraft(Box<ServerEvent>);

impl EventDraft {
    fn new(name: impl Into<EventName>, time: i64, source: ActionSource) -> Self {
        let (name, value) = match name.into() {
            EventName::Named(name) => (name, None),
            EventName::Purchase { value, currency } => {
                ("Purchase".to_owned(), Some((value, currency)))
            }
        };
        // Built in place rather than through the generated builder, whose fields are `Result`s
        // checked at the end: the four required fields are set, the rest starts empty.
        let draft = EventDraft(Box::new(ServerEvent {
            action_source: source,
            event_name: name,
            event_time: time,
            user_data: UserData::default(),
            advanced_measurement_table: None,
            app_data: None,
            attribution_data: None,
            custom_data: None,
            customer_segmentation: None,
            data_processing_options: None,
            data_processing_options_country: None,
            data_processing_options_state: None,
            event_id: None,
            event_source_url: None,
            messaging_channel: None,
            opt_out: None,
            original_event_data: None,
            referrer_url: None,
        }));
        match value {
            Some((value, currency)) => draft.value(value, currency),
            None => draft,
        }
    }

    /// A `website` event: the page's URL and the browser's user agent are required.
    pub fn website(
        name: impl Into<EventName>,
        time: i64,
        event_source_url: impl Into<String>,
        client_user_agent: impl Into<String>,
    ) -> Self {
        let mut draft = EventDraft::new(name, time, ActionSource::Website);
        draft.0.event_source_url = Some(event_source_url.into());
        draft.0.user_data.client_user_agent = Some(client_user_agent.into());
        draft
    }

    /// An `app` event: the device's `extinfo` and whether the user allows ad tracking
    /// (`advertiser_tracking_enabled`, ATT on iOS) are required.
    pub fn app(
        name: impl Into<EventName>,
        time: i64,
        device: AppDevice,
        advertiser_tracking_enabled: bool,
    ) -> Self {
        let mut draft = EventDraft::new(name, time, ActionSource::App);
        draft.0.app_data = Some(AppData {
            extinfo: Some(device.extinfo()),
            advertiser_tracking_enabled: Some(advertiser_tracking_enabled),
            ..AppData::default()
        });
        draft
    }

    /// A `physical_store` event (accepted up to 62 days after it happened).
    pub fn physical_store(name: impl Into<EventName>, time: i64) -> Self {
        EventDraft::new(name, time, ActionSource::PhysicalStore)
    }

    /// An event of another source (`email`, `phone_call`, `chat`, `system_generated`,
    /// `business_messaging`, `other`); for `website` and `app`, use their constructors, which ask
    /// for what those require.
    pub fn other(name: impl Into<EventName>, time: i64, source: ActionSource) -> Self {
        EventDraft::new(name, time, source)
    }

    /// Sets the `event_id` (otherwise the sender makes a deterministic one).
    pub fn event_id(mut self, id: impl Into<String>) -> Self {
        self.0.event_id = Some(id.into());
        self
    }

    /// Customer information that is already hashed. Keys the draft already has (the website
    /// user agent) are kept unless `user_data` sets them.
    pub fn user_data(mut self, user_data: UserData) -> Self {
        let user_agent = self.0.user_data.client_user_agent.take();
        self.0.user_data = user_data;
        if self.0.user_data.client_user_agent.is_none() {
            self.0.user_data.client_user_agent = user_agent;
        }
        self
    }

    /// Raw customer information, normalized and hashed as Meta specifies.
    pub fn customer(self, customer: &Customer<'_>) -> Result<Self, PiiError> {
        let hashed = customer.build()?;
        let mut draft = self;
        let user_agent = draft.0.user_data.client_user_agent.take();
        let ip = draft.0.user_data.client_ip_address.take();
        draft.0.user_data = UserData {
            client_user_agent: hashed.client_user_agent.clone().or(user_agent),
            client_ip_address: hashed.client_ip_address.clone().or(ip),
            ..hashed
        };
        Ok(draft)
    }

    /// The browser's IP address (not hashed).
    pub fn client_ip_address(mut self, ip: impl Into<String>) -> Self {
        self.0.user_data.client_ip_address = Some(ip.into());
        self
    }

    /// The `_fbc` and `_fbp` cookies, when the browser had them.
    pub fn cookies(mut self, fbc: Option<String>, fbp: Option<String>) -> Self {
        self.0.user_data.fbc = fbc;
        self.0.user_data.fbp = fbp;
        self
    }

    /// `custom_data` in full (typed standard fields and custom properties in its `extra` map).
    pub fn custom_data(mut self, custom_data: CustomData) -> Self {
        self.0.custom_data = Some(custom_data);
        self
    }

    /// The conversion's value and its ISO 4217 currency.
    pub fn value(mut self, value: f64, currency: impl Into<String>) -> Self {
        let custom = self.0.custom_data.get_or_insert_with(|| {
            CustomData::builder()
                .extra(serde_json::Map::new())
                .try_into()
                .expect("every field of CustomData is optional once extra is set")
        });
        custom.value = Some(value);
        custom.currency = Some(currency.into());
        self
    }

    /// Any other change to the event.
    pub fn with(mut self, change: impl FnOnce(&mut ServerEvent)) -> Self {
        change(&mut self.0);
        self
    }

    /// The event as it stands, without checking it (the sender checks every event anyway).
    pub fn into_unchecked(self) -> ServerEvent {
        *self.0
    }

    /// The event as it stands, unchecked, in the box it was built in: the sender takes boxed events
    /// as they are, which spares moving the 2.5 KB event once more.
    pub fn into_boxed(self) -> Box<ServerEvent> {
        self.0
    }

    /// The event, once the rules accept it now (the violation, blamed as `data[0]`, otherwise).
    pub fn build(self) -> Result<ServerEvent, Violation> {
        self.build_at(&Context::now())
    }

    /// The event, once the rules accept it at `ctx`. Warn-level rules do not refuse it (Graph
    /// accepts it); [`build_with_warnings`](Self::build_with_warnings) lists them.
    pub fn build_at(self, ctx: &Context) -> Result<ServerEvent, Violation> {
        self.build_with_warnings(ctx).map(|(event, _)| event)
    }

    /// The event, once the rules accept it at `ctx`, with the warn-level rules it breaks.
    pub fn build_with_warnings(
        self,
        ctx: &Context,
    ) -> Result<(ServerEvent, Vec<Warning>), Violation> {
        let warnings = rules::check_event(&self.0, 0, ctx)?;
        Ok((*self.0, warnings))
    }
}

/// The mobile platform of an app event (`extinfo[0]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// `a2`.
    Android,
    /// `i2`.
    Ios,
}

/// The device and app an app event comes from: the 16 `extinfo` values by name. Only the
/// platform and OS version are required; the rest default to the empty placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppDevice {
    /// `extinfo[0]`.
    pub platform: Platform,
    /// `extinfo[1]`: the app's package name or bundle id.
    pub app_package: String,
    /// `extinfo[2]`: the short version, e.g. `1.4`.
    pub short_version: String,
    /// `extinfo[3]`: the long version, e.g. `1.4.2 (214)`.
    pub long_version: String,
    /// `extinfo[4]`: the OS version, e.g. `14` (required).
    pub os_version: String,
    /// `extinfo[5]`: the device model.
    pub device_model: String,
    /// `extinfo[6]`: the locale, e.g. `en_US`.
    pub locale: String,
    /// `extinfo[7]`: the time zone abbreviation, e.g. `CET`.
    pub timezone_abbreviation: String,
    /// `extinfo[8]`: the carrier.
    pub carrier: String,
    /// `extinfo[9]`: screen width in pixels.
    pub screen_width: Option<i64>,
    /// `extinfo[10]`: screen height in pixels.
    pub screen_height: Option<i64>,
    /// `extinfo[11]`: screen density, e.g. `2.75`.
    pub screen_density: String,
    /// `extinfo[12]`: CPU cores.
    pub cpu_cores: Option<i64>,
    /// `extinfo[13]`: external storage size in GB.
    pub external_storage_gb: Option<i64>,
    /// `extinfo[14]`: free space in GB.
    pub free_space_gb: Option<i64>,
    /// `extinfo[15]`: the device's time zone, e.g. `Europe/Berlin`.
    pub device_timezone: String,
}

impl AppDevice {
    /// A device of `platform` running `app_package` on `os_version`; set the other fields as known.
    pub fn new(
        platform: Platform,
        app_package: impl Into<String>,
        os_version: impl Into<String>,
    ) -> Self {
        AppDevice {
            platform,
            app_package: app_package.into(),
            short_version: String::new(),
            long_version: String::new(),
            os_version: os_version.into(),
            device_model: String::new(),
            locale: String::new(),
            timezone_abbreviation: String::new(),
            carrier: String::new(),
            screen_width: None,
            screen_height: None,
            screen_density: String::new(),
            cpu_cores: None,
            external_storage_gb: None,
            free_space_gb: None,
            device_timezone: String::new(),
        }
    }

    /// The 16 values in the order Graph reads them.
    pub fn extinfo(&self) -> Extinfo {
        let text = |s: &str| ExtinfoValue::String(s.to_owned());
        let number = |n: Option<i64>| {
            n.map_or_else(|| ExtinfoValue::String(String::new()), ExtinfoValue::Int64)
        };
        let version = match self.platform {
            Platform::Android => "a2",
            Platform::Ios => "i2",
        };
        Extinfo([
            text(version),
            text(&self.app_package),
            text(&self.short_version),
            text(&self.long_version),
            text(&self.os_version),
            text(&self.device_model),
            text(&self.locale),
            text(&self.timezone_abbreviation),
            text(&self.carrier),
            number(self.screen_width),
            number(self.screen_height),
            text(&self.screen_density),
            number(self.cpu_cores),
            number(self.external_storage_gb),
            number(self.free_space_gb),
            text(&self.device_timezone),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleId;

    const NOW: i64 = 1_763_800_000;

    #[test]
    fn a_violation_is_an_error_with_its_sentence_and_rule_id() {
        fn build() -> Result<ServerEvent, Box<dyn std::error::Error>> {
            Ok(EventDraft::other("Lead", NOW, ActionSource::Email).build_at(&Context::at(NOW))?)
        }
        let error = build().unwrap_err().to_string();
        assert!(error.ends_with("[user_data.no_identifier]"), "{error}");
        assert!(
            error.contains("insufficient customer information"),
            "{error}"
        );
    }

    #[test]
    fn a_purchase_is_made_with_its_value_and_names_match_case_sensitively() {
        let ctx = Context::at(NOW);
        let email = || UserData {
            em: Some("62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f".into()),
            ..UserData::default()
        };
        let purchase = EventDraft::other(EventName::purchase(9.5, "USD"), NOW, ActionSource::Email)
            .user_data(email())
            .build_at(&ctx)
            .unwrap();
        assert_eq!(purchase.event_name, "Purchase");
        let custom = purchase.custom_data.unwrap();
        assert_eq!(
            (custom.value, custom.currency.as_deref()),
            (Some(9.5), Some("USD"))
        );
        // A name alone is checked at build: `Purchase` needs its value, `purchase` is custom.
        let named = EventDraft::other("Purchase", NOW, ActionSource::Email).user_data(email());
        assert_eq!(
            named.build_at(&ctx).unwrap_err().rule,
            RuleId::PurchaseValue
        );
        let custom = EventDraft::other("purchase", NOW, ActionSource::Email).user_data(email());
        assert!(custom.build_at(&ctx).is_ok());
    }

    #[test]
    fn what_each_source_requires_is_asked_for_and_the_rest_is_checked() {
        let ctx = Context::at(NOW);
        let event = EventDraft::website("Purchase", NOW - 60, "https://shop.example.com", "UA")
            .user_data(UserData {
                em: Some("62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f".into()),
                ..UserData::default()
            })
            .value(12.5, "EUR")
            .build_at(&ctx)
            .unwrap();
        assert_eq!(event.user_data.client_user_agent.as_deref(), Some("UA"));
        let no_value = EventDraft::website("Purchase", NOW - 60, "https://shop.example.com", "UA")
            .client_ip_address("203.0.113.1")
            .build_at(&ctx)
            .unwrap_err();
        assert_eq!(no_value.rule, RuleId::PurchaseValue);
        let too_old = EventDraft::physical_store("Purchase", NOW - 63 * 86_400)
            .client_ip_address("203.0.113.1")
            .build_at(&ctx)
            .unwrap_err();
        assert_eq!(too_old.rule, RuleId::EventTimePhysicalStoreTooOld);
        let no_identifier = EventDraft::other("Lead", NOW, ActionSource::Email)
            .build_at(&ctx)
            .unwrap_err();
        assert_eq!(no_identifier.rule, RuleId::NoCustomerIdentifier);
    }

    #[test]
    fn an_app_device_becomes_sixteen_values_in_graph_s_order() {
        let mut device = AppDevice::new(Platform::Ios, "com.example", "17.1");
        device.screen_width = Some(1179);
        let extinfo = device.extinfo();
        assert_eq!(extinfo.0[0], ExtinfoValue::String("i2".into()));
        assert_eq!(extinfo.0[4], ExtinfoValue::String("17.1".into()));
        assert_eq!(extinfo.0[9], ExtinfoValue::Int64(1179));
        assert_eq!(extinfo.0[10], ExtinfoValue::String(String::new()));
        let event = EventDraft::app("AppInstall", NOW, device, false)
            .with(|e| e.user_data.madid = Some("38400000-8cf0-11bd-b23e-10b96e40000d".into()))
            .build_at(&Context::at(NOW));
        assert!(event.is_ok(), "{event:?}");
    }
}
