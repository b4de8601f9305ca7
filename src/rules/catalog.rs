//! The rule catalog: every rule's stable id, its Graph error mapping and where it comes from.
//!
//! The order of [`RuleId`] is the catalog order, which decides which violation of one event is
//! reported first. `conformance/rules.json` is generated from [`catalog_json`].

use serde::Serialize;

/// Graph's error code for an invalid parameter.
pub const INVALID_PARAMETER: i64 = 100;
/// Subcode for a missing, unexpected or malformed parameter ("Server-side API parameter error").
pub const PARAMETER_ERROR: i64 = 2_804_019;
/// Subcode for an `event_time` outside the accepted window.
pub const TIMESTAMP_TOO_OLD: i64 = 2_804_003;
/// Subcode for a `Purchase` without `custom_data.value`.
pub const PURCHASE_WITHOUT_VALUE: i64 = 2_804_009;
/// Subcode for customer information sent unhashed where a hash belongs.
pub const NOT_HASHED: i64 = 2_804_016;
/// Subcode for a malformed click id (`fbc`).
pub const CLICK_ID_FORMAT: i64 = 2_804_001;
/// Subcode for "insufficient customer information".
pub const INSUFFICIENT_CUSTOMER_INFO: i64 = 2_804_050;
/// Subcode for a business-messaging event whose name Meta does not list.
pub const MESSAGING_EVENT_TYPE: i64 = 2_804_066;

/// Graph's `message` for every parameter error.
pub const INVALID_PARAMETER_MESSAGE: &str = "Invalid parameter";

/// Whether Graph refuses a violation, or only advises against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Graph refuses it (or the documentation requires it and nothing shows Graph accepting): the
    /// fake answers the error, and the client never sends the event.
    Reject,
    /// Documented advice, or a requirement Graph was seen to accept: the fake accepts with a
    /// warning, the client sends the event and reports the warning. Strict mode rejects it with
    /// the rule's own answer.
    Warn,
}

/// The error Graph answers a violation with: its stable fields and, where on record, its English
/// texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GraphAnswer {
    /// `error.code` (always 100, invalid parameter).
    pub code: i64,
    /// `error.message`: `Invalid parameter`, or Graph's generic `(#100) …` sentence.
    pub message: &'static str,
    /// `error.error_subcode`; none in Graph's generic `(#100) …` form.
    pub error_subcode: Option<i64>,
    /// `error.error_user_title`, Graph's English title; none in the generic form.
    pub error_user_title: Option<&'static str>,
    /// Graph's English `error_user_msg` where it is on record; otherwise the violation's own
    /// sentence, which names the blame path, is sent.
    pub error_user_msg: Option<&'static str>,
}

impl GraphAnswer {
    /// The `Invalid parameter` form: a subcode and a title, `is_transient: false`.
    const fn parameter(subcode: i64, title: &'static str) -> Self {
        GraphAnswer {
            code: INVALID_PARAMETER,
            message: INVALID_PARAMETER_MESSAGE,
            error_subcode: Some(subcode),
            error_user_title: Some(title),
            error_user_msg: None,
        }
    }

    /// The `Invalid parameter` form with Graph's own `error_user_msg`.
    const fn parameter_with_text(subcode: i64, title: &'static str, text: &'static str) -> Self {
        GraphAnswer {
            error_user_msg: Some(text),
            ..GraphAnswer::parameter(subcode, title)
        }
    }

    /// True for Graph's generic `(#100) …` form: no subcode, no user texts, no `is_transient`.
    pub fn is_generic(&self) -> bool {
        self.error_subcode.is_none()
    }
}

/// `Server-side API parameter error` (2804019), as Graph titles a missing required parameter.
const PARAMETER: GraphAnswer =
    GraphAnswer::parameter(PARAMETER_ERROR, "Server-side API parameter error");
/// An unexpected key: 2804019 is capi-kit's mapping, the title is Graph's as quoted.
const UNEXPECTED_KEY: GraphAnswer =
    GraphAnswer::parameter(PARAMETER_ERROR, "Server Side Api Parameter Error");
/// `data` missing: Graph's generic form, with no subcode and no blame path.
const DATA_REQUIRED_GENERIC: GraphAnswer = GraphAnswer {
    code: INVALID_PARAMETER,
    message: "(#100) The parameter data is required.",
    error_subcode: None,
    error_user_title: None,
    error_user_msg: None,
};
/// An old `event_time`, with capi-kit's text (physical-store events).
const TOO_OLD: GraphAnswer = GraphAnswer::parameter(TIMESTAMP_TOO_OLD, "Event Timestamp Too Old");
/// An old `event_time`, with Graph's English text.
const TOO_OLD_WITH_TEXT: GraphAnswer = GraphAnswer::parameter_with_text(
    TIMESTAMP_TOO_OLD,
    "Event Timestamp Too Old",
    "The timestamp for this event is too far in the past. Events need to be sent from your server within 7 days of when they occurred. Enter a timestamp that has occurred within the last 7 days.",
);
/// A `Purchase` without a value, with Graph's English text.
const PURCHASE_VALUE: GraphAnswer = GraphAnswer::parameter_with_text(
    PURCHASE_WITHOUT_VALUE,
    "Missing Value for Purchase Event",
    "Your purchase event doesn\u{2019}t include a value parameter. Enter a value. For example: 1.99",
);
/// Insufficient customer information, with Graph's English title.
const INSUFFICIENT: GraphAnswer = GraphAnswer::parameter(
    INSUFFICIENT_CUSTOMER_INFO,
    "You haven't added sufficient customer information parameter data for this event",
);
/// Customer information not hashed, with Graph's English title.
const NOT_HASHED_ANSWER: GraphAnswer =
    GraphAnswer::parameter(NOT_HASHED, "User Parameter Not Hashed");
/// A malformed click id, with Graph's English title.
const CLICK_ID_FORMAT_ANSWER: GraphAnswer =
    GraphAnswer::parameter(CLICK_ID_FORMAT, "Click ID Incorrectly Formatted");
/// An app event without its tracking flag: Graph's title; the subcode is capi-kit's (unknown).
const TRACKING_FLAG_MISSING: GraphAnswer =
    GraphAnswer::parameter(PARAMETER_ERROR, "Missing Advertiser Tracking Enabled Flag");
/// A business-messaging event whose name Meta does not list.
const MESSAGING_EVENT_TYPE_ANSWER: GraphAnswer =
    GraphAnswer::parameter(MESSAGING_EVENT_TYPE, "Messaging Event Invalid Event Type");

macro_rules! catalog {
    ($( $variant:ident => $id:literal, $level:ident, $answer:expr, $summary:literal, $source:literal; )*) => {
        /// A rule of the events edge, by its stable id. Declaration order is catalog order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(into = "&'static str")]
        pub enum RuleId {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl RuleId {
            /// Every rule, in catalog order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The rule's description.
            pub fn rule(self) -> &'static Rule {
                match self {
                    $(RuleId::$variant => &Rule {
                        id: $id,
                        level: Level::$level,
                        summary: $summary,
                        answer: $answer,
                        source: $source,
                    },)*
                }
            }
        }
    };
}

catalog! {
    MalformedJson => "request.json.malformed", Reject, DATA_REQUIRED_GENERIC,
        "The body is well-formed JSON (UTF-8, no trailing data); Graph then finds no `data` and answers its generic `(#100) The parameter data is required.`",
        "RFC 8259; Graph's exact answer to malformed JSON is not documented";
    DataRequired => "request.data.required", Reject, DATA_REQUIRED_GENERIC,
        "The request has a `data` array.",
        "docs: Using the API (data is required); AdsPixel.json lists data as required";
    DataEmpty => "request.data.empty", Reject, DATA_REQUIRED_GENERIC,
        "`data` holds at least one event; an empty list is answered as a missing `data` (capi-kit policy).",
        "spec: data minItems 1";
    DataTooMany => "request.data.too_many", Reject, PARAMETER,
        "`data` holds at most 1,000 events.",
        "docs: Using the API, 'You can send up to 1,000 events in data'";
    TraceRange => "request.trace.range", Reject, PARAMETER,
        "`trace` is a non-negative integer.",
        "AdsPixel.json: trace is an unsigned int";
    EventUnknownKey => "event.unknown_key", Reject, UNEXPECTED_KEY,
        "An event carries only the keys of ServerEvent.",
        "facebook-nodejs-business-sdk#258: Unexpected key \"advertiser_tracking_enabled\" on param \"$['data'][0]\"";
    EventNameRequired => "event.event_name.required", Reject, PARAMETER,
        "Every event has a non-empty `event_name`.",
        "docs: server event parameters (Required)";
    EventTimeRequired => "event.event_time.required", Reject, PARAMETER,
        "Every event has an `event_time`.",
        "docs: server event parameters; error body quoted in facts §5.2 (2804019)";
    UserDataRequired => "event.user_data.required", Reject, PARAMETER,
        "Every event has `user_data`.",
        "docs: server event parameters (Required)";
    ActionSourceRequired => "event.action_source.required", Reject, PARAMETER,
        "Every event has an `action_source`.",
        "docs: required since 2021-02-15 (seed document 002)";
    InvalidValue => "structure.invalid_value", Reject, PARAMETER,
        "Every value has the type and, for enumerations, one of the values the spec gives.",
        "spec: types and enums of openapi/conversions-api.yaml";
    EventTimeTooOld => "event_time.too_old", Reject, TOO_OLD_WITH_TEXT,
        "`event_time` is at most 7 days before the request arrives; older rejects the whole request.",
        "docs: Using the API; error body in facts §5.2 (2804003)";
    EventTimePhysicalStoreTooOld => "event_time.physical_store_too_old", Reject, TOO_OLD,
        "`physical_store` events may be up to 62 days old (not 7).",
        "docs: Using the API, offline events within 62 days of the conversion";
    EventTimeInFuture => "event_time.in_future", Reject, PARAMETER,
        "capi-kit policy: `event_time` is at most 1 hour after the request arrives (Meta documents no bound).",
        "ours: Meta documents no bound for future times (facts §6)";
    WebsiteEventSourceUrl => "action_source.website.event_source_url", Reject, PARAMETER,
        "`website` events have an `event_source_url`.",
        "docs: server event parameters, 'required for website events'";
    WebsiteClientUserAgent => "action_source.website.client_user_agent", Warn, PARAMETER,
        "`website` events should have `user_data.client_user_agent` (documented as required; Graph was seen accepting one without it).",
        "seed document 002: website events require client_user_agent since 2021-02-15";
    AppAppData => "action_source.app.app_data", Reject, PARAMETER,
        "`app` events have `app_data`.",
        "docs: app_data 'Required for app events'";
    AppExtinfo => "action_source.app.extinfo", Reject, PARAMETER,
        "`app` events have `app_data.extinfo`.",
        "docs: extinfo 'Required for app events'";
    AppAdvertiserTrackingEnabled => "action_source.app.advertiser_tracking_enabled", Reject, TRACKING_FLAG_MISSING,
        "`app` events have `app_data.advertiser_tracking_enabled` (0, 1, false or true).",
        "docs: app data, 'Required for app events'; facebook-nodejs-business-sdk#233 and #251 quote Graph's title";
    MessagingEventName => "action_source.business_messaging.event_name", Reject, MESSAGING_EVENT_TYPE_ANSWER,
        "`business_messaging` events are one of the 14 events Meta lists for Conversions API for Business Messaging (case-sensitive).",
        "docs: business messaging, supported events; a vendor's live check quotes 2804066";
    MessagingChannelIds => "action_source.business_messaging.channel_ids", Warn, PARAMETER,
        "`business_messaging` events should carry their channel's ids (messenger: `page_id` and `page_scoped_user_id`; whatsapp: `whatsapp_business_account_id` and `ctwa_clid`; instagram: `instagram_business_account_id` and `ig_sid`).",
        "docs: business messaging, parameters per messaging_channel";
    UrlScheme => "event_source_url.scheme", Reject, PARAMETER,
        "`event_source_url` and `referrer_url` start with http:// or https://.",
        "docs (seed 000): 'The URL must begin with http:// or https://'";
    NoCustomerIdentifier => "user_data.no_identifier", Reject, INSUFFICIENT,
        "`user_data` carries at least one customer identifier.",
        "docs: 'You must provide at least one of these user_data keys'; error body in facts §5.2 (2804050)";
    WeakCustomerInformation => "user_data.weak_combination", Reject, INSUFFICIENT,
        "`user_data` is more than one of Meta's weak combinations (or a subset): ct+country+st+zp+ge+client_user_agent; db+client_user_agent; fn+ge; ln+ge.",
        "docs: best practices, 'An event is considered invalid if it only includes …'; a 2804050 refusal of client_user_agent alone is reported";
    UserDataUnknownKey => "user_data.unknown_key", Reject, UNEXPECTED_KEY,
        "`user_data` carries only the keys of UserData.",
        "facebook-for-woocommerce#3668: Unexpected key \"click_id\" on param \"$['data'][0]['user_data']\"";
    HashFormat => "user_data.hash_format", Reject, NOT_HASHED_ANSWER,
        "Hashed keys hold 64 lowercase hex digits, optionally with a `.<appendix>`; raw values are rejected.",
        "docs: customer information parameters ('Hashing required'); param builder appendix (facts §3.7)";
    ClientIpAddress => "user_data.client_ip_address.invalid", Warn, PARAMETER,
        "`client_ip_address` should be a valid IPv4 or IPv6 address (Events Manager flags others later; no refusal is on record).",
        "docs: 'must be a valid IPV4 or IPV6 address'";
    FbcFormat => "user_data.fbc.format", Reject, CLICK_ID_FORMAT_ANSWER,
        "`fbc` is `fb.<digits>.<digits>.<fbclid>`, optionally with a fifth appendix part.",
        "docs: fbp and fbc; capi-param-builder cookie validation (facts §6)";
    FbpFormat => "user_data.fbp.format", Warn, PARAMETER,
        "`fbp` should be `fb.<digits>.<digits>.<random>`, optionally with a fifth appendix part (Events Manager flags others later; no refusal is on record).",
        "docs: fbp and fbc; capi-param-builder cookie validation (facts §6)";
    ExtinfoLength => "extinfo.length", Reject, PARAMETER,
        "`extinfo` holds exactly 16 values.",
        "docs: app data, 'all values are required and must be in the order indexed'";
    ExtinfoVersion => "extinfo.version", Reject, PARAMETER,
        "`extinfo[0]` is `a2` (Android) or `i2` (iOS).",
        "docs: app data, 'version must be a2 for Android, i2 for iOS'";
    ExtinfoOsVersion => "extinfo.os_version.required", Reject, PARAMETER,
        "`extinfo[4]` (OS version) is a non-empty string.",
        "docs: app data, index 4 Required";
    ExtinfoIntegerPosition => "extinfo.integer_position", Reject, PARAMETER,
        "`extinfo` positions 9, 10, 12, 13, 14 are integers, digit strings or the empty placeholder.",
        "docs: app data (int64 positions); Java SDK sends all values as strings";
    ExtinfoStringPosition => "extinfo.string_position", Reject, PARAMETER,
        "The other `extinfo` positions are strings (position 2, short version, may also be an integer).",
        "docs: app data (string positions; 'short version (int or string)')";
    LduOption => "ldu.option", Reject, PARAMETER,
        "`data_processing_options` is `[]` or `[\"LDU\"]`.",
        "docs: data processing options";
    LduCountryRequired => "ldu.country.required", Reject, PARAMETER,
        "With LDU, `data_processing_options_country` is present.",
        "docs: 'Required, if you send LDU under data_processing_options'";
    LduCountryValue => "ldu.country.value", Reject, PARAMETER,
        "`data_processing_options_country` is 0 or 1.",
        "docs: 'accepted values are 1 ... or 0'";
    LduStateRequired => "ldu.state.required", Reject, PARAMETER,
        "With LDU and no `client_ip_address`, `data_processing_options_state` is present.",
        "docs: 'required if you send LDU ... and do not provide an IP address'";
    LduStateValue => "ldu.state.value", Reject, PARAMETER,
        "`data_processing_options_state` is 0 or one of 1000-1013 (the US states Meta lists).",
        "docs: data processing options, 'accepted values are 1000 for California, 1001 for Colorado, … 1013 for Rhode Island or 0'";
    CustomDataNumber => "custom_data.value.number", Reject, PARAMETER,
        "`value`, `net_revenue` and `predicted_ltv` are finite numbers.",
        "docs: custom data (value: Float)";
    PurchaseValue => "custom_data.value.purchase_required", Reject, PURCHASE_VALUE,
        "A `Purchase` event has `custom_data.value` (the event name is matched exactly).",
        "rudder-transformer's fixture copied from a Graph answer (2024); a CRM vendor measured it against Meta (2026-09-03)";
    CurrencyFormat => "custom_data.currency.format", Reject, PARAMETER,
        "`currency` is three letters, in either case.",
        "docs: 'valid ISO 4217 three digit currency code'; SDKs send both cases";
    CurrencyIso4217 => "custom_data.currency.iso4217", Reject, PARAMETER,
        "`currency` is a code of ISO 4217.",
        "docs: 'Currency must be a valid ISO 4217 three digit currency code'";
    ContentType => "custom_data.content_type.value", Reject, PARAMETER,
        "`content_type` is `product` or `product_group`.",
        "docs: custom data, 'either product or product_group'";
    ContentsItem => "custom_data.contents.item", Reject, PARAMETER,
        "Every `contents` item has a non-empty `id`; a `quantity`, when present, is at least 1.",
        "docs: contents 'contain the product IDs ... id, quantity, and item_price'; quantity bound is ours";
    ContentsUnknownKey => "custom_data.contents.unknown_key", Reject, UNEXPECTED_KEY,
        "Every `contents` item carries only the keys of Content.",
        "a README quotes Unexpected key \"name\" on param \"$['data'][0]['custom_data']['contents'][0]\"";
    AttributionShareRange => "attribution_data.attribution_share.range", Reject, PARAMETER,
        "`attribution_data.attribution_share`, when present, is between 0 and 1.",
        "docs: AppendAttribution, attribution_share is a share between 0 and 1 (facts §2.7)";
}

/// What the catalog says about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `event_time.too_old`.
    pub id: &'static str,
    /// Whether Graph refuses a violation or only advises against it.
    pub level: Level,
    /// What the rule requires, in one sentence.
    pub summary: &'static str,
    /// The error Graph answers a violation with (a warn-level rule's answer under strict mode).
    #[serde(flatten)]
    pub answer: GraphAnswer,
    /// Where the rule comes from, in words; the ledger entries behind it are in [`Rule::evidence`].
    pub source: &'static str,
}

impl RuleId {
    /// The stable id, e.g. `event_time.too_old`.
    pub fn as_str(self) -> &'static str {
        self.rule().id
    }

    /// Looks a rule up by its stable id.
    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|rule| rule.as_str() == id)
    }
}

impl From<RuleId> for &'static str {
    fn from(rule: RuleId) -> Self {
        rule.as_str()
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision about a rule some source states and capi-kit does not enforce (or enforces differently).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// What the source says.
    pub statement: &'static str,
    /// What capi-kit does.
    pub decision: &'static str,
    /// Where the statement comes from.
    pub source: &'static str,
}

/// Statements of sources that the catalog deliberately does not turn into rules, and why.
pub const DECISIONS: &[Decision] = &[
    Decision {
        statement: "If you send client_ip_address or client_user_agent, you must send both keys.",
        decision: "Not enforced. Newer documentation drops it: website events need client_user_agent (rule action_source.website.client_user_agent) and nothing requires client_ip_address.",
        source: "seed document 004 (older Server-Side API page) vs docs: server event and customer information parameters",
    },
    Decision {
        statement: "Optional values sent as null, and empty arrays for user_data keys.",
        decision: "Read as absent, as Graph does for Meta's Node SDK, which sends null for unset parameters.",
        source: "facts §1 (Node SDK wire shape)",
    },
    Decision {
        statement: "extinfo integer positions hold int64.",
        decision: "Digit strings and the empty placeholder are accepted there too: Meta's Java SDK sends all 16 values as strings.",
        source: "facts §2.6",
    },
    Decision {
        statement: "A country without a state for LDU.",
        decision: "Accepted: Graph then geolocates the whole event, per the docs.",
        source: "docs: data_processing_options_state note",
    },
    Decision {
        statement: "Unknown keys inside user_data, custom_data, app_data and other nested objects.",
        decision: "Accepted (no evidence Graph rejects them); reported as warnings by the all-violations mode, since a typo silently costs match quality. custom_data takes custom properties by design.",
        source: "spec: nested objects are open",
    },
];

/// The catalog as JSON (the content of `conformance/rules.json`).
pub fn catalog_json() -> serde_json::Value {
    let rules: Vec<&Rule> = RuleId::ALL.iter().map(|rule| rule.rule()).collect();
    serde_json::json!({
        "description": "The rules of the Conversions API events edge as capi-kit enforces them, in catalog order. Generated from src/rules/catalog.rs; do not edit.",
        "order": "A request that does not parse reports its first structural error. Otherwise request-level rules come first, then the event with the lowest index, and within an event the rule that comes first here.",
        "rules": rules,
        "decisions": DECISIONS,
    })
}
