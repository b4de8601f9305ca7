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
/// Subcode for "insufficient customer information".
pub const INSUFFICIENT_CUSTOMER_INFO: i64 = 2_804_050;

/// Title Graph gives parameter errors.
const PARAMETER_TITLE: &str = "Server-side API parameter error";

macro_rules! catalog {
    ($( $variant:ident => $id:literal, $subcode:expr, $title:expr, $ours:literal, $summary:literal, $source:literal; )*) => {
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
                        summary: $summary,
                        code: INVALID_PARAMETER,
                        error_subcode: $subcode,
                        error_user_title: $title,
                        mapping_is_ours: $ours,
                        source: $source,
                    },)*
                }
            }
        }
    };
}

catalog! {
    MalformedJson => "request.json.malformed", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "The body is well-formed JSON (UTF-8, no trailing data).",
        "RFC 8259; Graph's exact answer to malformed JSON is not documented";
    DataRequired => "request.data.required", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "The request has a `data` array.",
        "docs: Using the API (data is required); AdsPixel.json lists data as required";
    DataEmpty => "request.data.empty", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`data` holds at least one event.",
        "spec: data minItems 1";
    DataTooMany => "request.data.too_many", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`data` holds at most 1,000 events.",
        "docs: Using the API, 'You can send up to 1,000 events in data'";
    TraceRange => "request.trace.range", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`trace` is a non-negative integer.",
        "AdsPixel.json: trace is an unsigned int";
    EventUnknownKey => "event.unknown_key", PARAMETER_ERROR, PARAMETER_TITLE, false,
        "An event carries only the keys of ServerEvent.",
        "facebook-nodejs-business-sdk#258: Unexpected key \"advertiser_tracking_enabled\" on param \"$['data'][0]\"";
    EventNameRequired => "event.event_name.required", PARAMETER_ERROR, PARAMETER_TITLE, false,
        "Every event has a non-empty `event_name`.",
        "docs: server event parameters (Required)";
    EventTimeRequired => "event.event_time.required", PARAMETER_ERROR, PARAMETER_TITLE, false,
        "Every event has an `event_time`.",
        "docs: server event parameters; error body quoted in facts §5.2 (2804019)";
    UserDataRequired => "event.user_data.required", PARAMETER_ERROR, PARAMETER_TITLE, false,
        "Every event has `user_data`.",
        "docs: server event parameters (Required)";
    ActionSourceRequired => "event.action_source.required", PARAMETER_ERROR, PARAMETER_TITLE, false,
        "Every event has an `action_source`.",
        "docs: required since 2021-02-15 (seed document 002)";
    InvalidValue => "structure.invalid_value", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "Every value has the type and, for enumerations, one of the values the spec gives.",
        "spec: types and enums of openapi/conversions-api.yaml";
    EventTimeTooOld => "event_time.too_old", TIMESTAMP_TOO_OLD, "Event Timestamp Too Old", false,
        "`event_time` is at most 7 days before the request arrives; older rejects the whole request.",
        "docs: Using the API; error body in facts §5.2 (2804003)";
    EventTimePhysicalStoreTooOld => "event_time.physical_store_too_old", TIMESTAMP_TOO_OLD, "Event Timestamp Too Old", true,
        "`physical_store` events may be up to 62 days old (not 7).",
        "docs: Using the API, offline events within 62 days of the conversion";
    EventTimeInFuture => "event_time.in_future", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "capi-kit policy: `event_time` is at most 1 hour after the request arrives (Meta documents no bound).",
        "ours: Meta documents no bound for future times (facts §6)";
    WebsiteEventSourceUrl => "action_source.website.event_source_url", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`website` events have an `event_source_url`.",
        "docs: server event parameters, 'required for website events'";
    WebsiteClientUserAgent => "action_source.website.client_user_agent", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`website` events have `user_data.client_user_agent`.",
        "seed document 002: website events require client_user_agent since 2021-02-15";
    AppAppData => "action_source.app.app_data", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`app` events have `app_data`.",
        "docs: app_data 'Required for app events'";
    AppExtinfo => "action_source.app.extinfo", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`app` events have `app_data.extinfo`.",
        "docs: extinfo 'Required for app events'";
    UrlScheme => "event_source_url.scheme", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`event_source_url` and `referrer_url` start with http:// or https://.",
        "docs (seed 000): 'The URL must begin with http:// or https://'";
    NoCustomerIdentifier => "user_data.no_identifier", INSUFFICIENT_CUSTOMER_INFO, "Customer information parameters", false,
        "`user_data` carries at least one customer identifier.",
        "docs: 'You must provide at least one of these user_data keys'; error body in facts §5.2 (2804050)";
    HashFormat => "user_data.hash_format", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "Hashed keys hold 64 lowercase hex digits, optionally with a `.<appendix>`; raw values are rejected.",
        "docs: customer information parameters ('Hashing required'); param builder appendix (facts §3.7)";
    ClientIpAddress => "user_data.client_ip_address.invalid", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`client_ip_address` is a valid IPv4 or IPv6 address.",
        "docs: 'must be a valid IPV4 or IPV6 address'";
    FbcFormat => "user_data.fbc.format", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`fbc` is `fb.<digits>.<digits>.<fbclid>`, optionally with a fifth appendix part.",
        "docs: fbp and fbc; capi-param-builder cookie validation (facts §6)";
    FbpFormat => "user_data.fbp.format", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`fbp` is `fb.<digits>.<digits>.<random>`, optionally with a fifth appendix part.",
        "docs: fbp and fbc; capi-param-builder cookie validation (facts §6)";
    ExtinfoLength => "extinfo.length", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`extinfo` holds exactly 16 values.",
        "docs: app data, 'all values are required and must be in the order indexed'";
    ExtinfoVersion => "extinfo.version", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`extinfo[0]` is `a2` (Android) or `i2` (iOS).",
        "docs: app data, 'version must be a2 for Android, i2 for iOS'";
    ExtinfoOsVersion => "extinfo.os_version.required", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`extinfo[4]` (OS version) is a non-empty string.",
        "docs: app data, index 4 Required";
    ExtinfoIntegerPosition => "extinfo.integer_position", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`extinfo` positions 9, 10, 12, 13, 14 are integers, digit strings or the empty placeholder.",
        "docs: app data (int64 positions); Java SDK sends all values as strings";
    ExtinfoStringPosition => "extinfo.string_position", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "The other `extinfo` positions are strings (position 2, short version, may also be an integer).",
        "docs: app data (string positions; 'short version (int or string)')";
    LduOption => "ldu.option", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`data_processing_options` is `[]` or `[\"LDU\"]`.",
        "docs: data processing options";
    LduCountryRequired => "ldu.country.required", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "With LDU, `data_processing_options_country` is present.",
        "docs: 'Required, if you send LDU under data_processing_options'";
    LduCountryValue => "ldu.country.value", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`data_processing_options_country` is 0 or 1.",
        "docs: 'accepted values are 1 ... or 0'";
    LduStateRequired => "ldu.state.required", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "With LDU and no `client_ip_address`, `data_processing_options_state` is present.",
        "docs: 'required if you send LDU ... and do not provide an IP address'";
    LduStateValue => "ldu.state.value", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`data_processing_options_state` is 0 or 1000.",
        "docs: 'accepted values are 1000 ... or 0'";
    CustomDataNumber => "custom_data.value.number", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`value`, `net_revenue` and `predicted_ltv` are finite numbers.",
        "docs: custom data (value: Float)";
    CurrencyFormat => "custom_data.currency.format", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`currency` is three letters, in either case.",
        "docs: 'valid ISO 4217 three digit currency code'; SDKs send both cases";
    CurrencyIso4217 => "custom_data.currency.iso4217", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`currency` is a code of ISO 4217.",
        "docs: 'Currency must be a valid ISO 4217 three digit currency code'";
    ContentType => "custom_data.content_type.value", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`content_type` is `product` or `product_group`.",
        "docs: custom data, 'either product or product_group'";
    ContentsItem => "custom_data.contents.item", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "Every `contents` item has a non-empty `id`; a `quantity`, when present, is at least 1.",
        "docs: contents 'contain the product IDs ... id, quantity, and item_price'; quantity bound is ours";
    AttributionShareRange => "attribution_data.attribution_share.range", PARAMETER_ERROR, PARAMETER_TITLE, true,
        "`attribution_data.attribution_share`, when present, is between 0 and 1.",
        "docs: AppendAttribution, attribution_share is a share between 0 and 1 (facts §2.7)";
}

/// What the catalog says about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `event_time.too_old`.
    pub id: &'static str,
    /// What the rule requires, in one sentence.
    pub summary: &'static str,
    /// Graph error code of a violation (always 100, invalid parameter).
    pub code: i64,
    /// Graph error subcode of a violation.
    pub error_subcode: i64,
    /// Graph's `error_user_title` for a violation.
    pub error_user_title: &'static str,
    /// True when the subcode and title are our choice, because Meta's exact answer is not known.
    pub mapping_is_ours: bool,
    /// Where the rule comes from.
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
