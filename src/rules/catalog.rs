//! The rule catalog: every rule's stable id, its Graph error mapping and where it comes from.
//!
//! The order of [`RuleId`] is the catalog order, which decides which violation of one event is
//! reported first. `conformance/rules.json` is generated from [`catalog_json`].

use serde::Serialize;

/// Graph's error code for an invalid parameter (named once, in `graph_codes`).
pub use crate::graph_codes::INVALID_PARAMETER;
/// Subcode for a missing, unexpected or malformed parameter ("Server-side API parameter error").
pub const PARAMETER_ERROR: i64 = 2_804_019;
/// Subcode for an `event_time` outside the accepted window.
pub const TIMESTAMP_TOO_OLD: i64 = 2_804_003;
/// Subcode for a `Purchase` without `custom_data.value`.
pub const PURCHASE_WITHOUT_VALUE: i64 = 2_804_009;
/// Subcode for a `Purchase` without `custom_data.currency` (reported).
pub const PURCHASE_WITHOUT_CURRENCY: i64 = 2_804_010;
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
/// A `Purchase` without a currency: subcode 2804010 as reported; the title is capi-kit's English
/// for the reported Portuguese one ("Moeda ausente para o evento de compra").
const PURCHASE_CURRENCY: GraphAnswer = GraphAnswer::parameter(
    PURCHASE_WITHOUT_CURRENCY,
    "Missing Currency for Purchase Event",
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
const CLICK_ID_FORMAT_ANSWER: GraphAnswer = GraphAnswer::parameter_with_text(
    CLICK_ID_FORMAT,
    "Click ID Incorrectly Formatted",
    "The click ID (_fbc) parameter is not formatted correctly. See the click ID parameter field for guidelines on formatting this parameter.",
);
/// An app event without its tracking flag: Graph's title; the subcode is capi-kit's (unknown).
const TRACKING_FLAG_MISSING: GraphAnswer =
    GraphAnswer::parameter(PARAMETER_ERROR, "Missing Advertiser Tracking Enabled Flag");
/// A business-messaging event whose name Meta does not list.
const MESSAGING_EVENT_TYPE_ANSWER: GraphAnswer =
    GraphAnswer::parameter(MESSAGING_EVENT_TYPE, "Messaging Event Invalid Event Type");

macro_rules! catalog {
    ($( $variant:ident => $id:literal, $level:ident, $answer:expr, $summary:literal, $source:literal,
        [$($evidence:literal),*]; )*) => {
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
                        evidence: &[$($evidence),*],
                    },)*
                }
            }
        }
    };
}

catalog! {
    MalformedJson => "request.json.malformed", Reject, DATA_REQUIRED_GENERIC,
        "The body is well-formed JSON (UTF-8, no trailing data); Graph then finds no `data` and answers its generic `(#100) The parameter data is required.`",
        "RFC 8259; Graph's exact answer to malformed JSON is not documented",
        ["json.malformed.make", "json.malformed.single_quotes.volcengine"];
    DataRequired => "request.data.required", Reject, DATA_REQUIRED_GENERIC,
        "The request has a `data` array.",
        "docs: Using the API (data is required); AdsPixel.json lists data as required",
        ["data.missing.other_edge.curl", "docs.data.required"];
    DataEmpty => "request.data.empty", Reject, DATA_REQUIRED_GENERIC,
        "`data` holds at least one event; an empty list is answered as a missing `data` (capi-kit policy).",
        "spec: data minItems 1",
        ["data.empty.validator.mock"];
    DataTooMany => "request.data.too_many", Reject, PARAMETER,
        "`data` holds at most 1,000 events.",
        "docs: Using the API, 'You can send up to 1,000 events in data'",
        ["docs.data.max_1000", "docs.rate_limit.capi_no_specific"];
    TraceRange => "request.trace.range", Reject, PARAMETER,
        "`trace` is a non-negative integer.",
        "AdsPixel.json: trace is an unsigned int",
        ["docs.trace.unsigned_int"];
    EventUnknownKey => "event.unknown_key", Reject, UNEXPECTED_KEY,
        "An event carries only the keys of ServerEvent.",
        "facebook-nodejs-business-sdk#258: Unexpected key \"advertiser_tracking_enabled\" on param \"$['data'][0]\"",
        ["event.unknown_key.advertiser_tracking_enabled.node-258"];
    EventNameRequired => "event.event_name.required", Reject, PARAMETER,
        "Every event has a non-empty `event_name`.",
        "docs: server event parameters (Required)",
        ["docs.server_event.event_name.required"];
    EventTimeRequired => "event.event_time.required", Reject, PARAMETER,
        "Every event has an `event_time`.",
        "docs: server event parameters; error body quoted in facts §5.2 (2804019)",
        ["event_time.missing.volcengine", "docs.server_event.event_time.required"];
    UserDataRequired => "event.user_data.required", Reject, PARAMETER,
        "Every event has `user_data`.",
        "docs: server event parameters (Required)",
        ["docs.server_event.user_data.required"];
    ActionSourceRequired => "event.action_source.required", Reject, PARAMETER,
        "Every event has an `action_source`.",
        "docs: required since 2021-02-15 (seed document 002)",
        ["docs.server_event.action_source.required", "docs.website.required_params.2021"];
    InvalidValue => "structure.invalid_value", Reject, PARAMETER,
        "Every value has the type and, for enumerations, one of the values the spec gives.",
        "spec: types and enums of openapi/conversions-api.yaml",
        ["custom_data.content_category.array.fixnotes", "event_time.iso_string.segment-588"];
    EventTimeTooOld => "event_time.too_old", Reject, TOO_OLD_WITH_TEXT,
        "`event_time` is at most 7 days before the request arrives; older rejects the whole request.",
        "docs: Using the API; error body in facts §5.2 (2804003)",
        ["event_time.too_old.harness.fr", "event_time.too_old.rudder.en", "docs.event_time.window_7d"];
    EventTimePhysicalStoreTooOld => "event_time.physical_store_too_old", Reject, TOO_OLD,
        "`physical_store` events may be up to 62 days old (not 7).",
        "docs: Using the API, offline events within 62 days of the conversion",
        ["docs.event_time.physical_store_62d"];
    EventTimeInFuture => "event_time.in_future", Reject, PARAMETER,
        "capi-kit policy: `event_time` is at most 1 hour after the request arrives (Meta documents no bound).",
        "ours: Meta documents no bound for future times (facts §6)",
        ["event_time.future.reports"];
    WebsiteEventSourceUrl => "action_source.website.event_source_url", Reject, PARAMETER,
        "`website` events have an `event_source_url`.",
        "docs: server event parameters, 'required for website events'",
        ["docs.website.event_source_url.required", "docs.website.required_params.2021"];
    WebsiteClientUserAgent => "action_source.website.client_user_agent", Warn, PARAMETER,
        "`website` events should have `user_data.client_user_agent` (documented as required; Graph was seen accepting one without it).",
        "seed document 002: website events require client_user_agent since 2021-02-15",
        ["docs.website.required_params.2021", "website.no_user_agent.harness"];
    AppAppData => "action_source.app.app_data", Reject, PARAMETER,
        "`app` events have `app_data`.",
        "docs: app_data 'Required for app events'",
        ["docs.app_data.required"];
    AppExtinfo => "action_source.app.extinfo", Reject, PARAMETER,
        "`app` events have `app_data.extinfo`.",
        "docs: extinfo 'Required for app events'",
        ["docs.app_data.extinfo.required"];
    AppAdvertiserTrackingEnabled => "action_source.app.advertiser_tracking_enabled", Reject, TRACKING_FLAG_MISSING,
        "`app` events have `app_data.advertiser_tracking_enabled` (0, 1, false or true).",
        "docs: app data, 'Required for app events'; facebook-nodejs-business-sdk#233 and #251 quote Graph's title",
        ["app.advertiser_tracking_enabled.missing.node-233", "app.advertiser_tracking_enabled.missing.node-251", "docs.app_data.advertiser_tracking_enabled.required", "app.advertiser_tracking_enabled.boolean.python-sdk", "app.advertiser_tracking_enabled.true.revenuecat-1530"];
    MessagingEventName => "action_source.business_messaging.event_name", Reject, MESSAGING_EVENT_TYPE_ANSWER,
        "`business_messaging` events are one of the 14 events Meta lists for Conversions API for Business Messaging (case-sensitive).",
        "docs: business messaging, supported events; a vendor's live check quotes 2804066",
        ["business_messaging.event_name.lead.zernio", "business_messaging.event_name.lead.khana", "docs.business_messaging.event_names", "business_messaging.allowlist.zernio"];
    MessagingChannelIds => "action_source.business_messaging.channel_ids", Warn, PARAMETER,
        "`business_messaging` events should carry their channel's ids (messenger: `page_id` and `page_scoped_user_id`; whatsapp: `whatsapp_business_account_id` and `ctwa_clid`; instagram: `instagram_business_account_id` and `ig_sid`).",
        "docs: business messaging, parameters per messaging_channel",
        ["docs.business_messaging.channels"];
    UrlScheme => "event_source_url.scheme", Reject, PARAMETER,
        "`event_source_url` and `referrer_url` start with http:// or https://.",
        "docs (seed 000): 'The URL must begin with http:// or https://'",
        ["docs.event_source_url.scheme"];
    NoCustomerIdentifier => "user_data.no_identifier", Reject, INSUFFICIENT,
        "`user_data` carries at least one customer identifier.",
        "docs: 'You must provide at least one of these user_data keys'; error body in facts §5.2 (2804050)",
        ["user_data.empty.2804050.reports", "user_data.too_broad.2804050.setono.da", "user_data.user_agent_only.2804050.fixguide", "user_data.user_agent_and_ip.accepted.fixguide", "docs.user_data.at_least_one"];
    WeakCustomerInformation => "user_data.weak_combination", Reject, INSUFFICIENT,
        "`user_data` is more than one of Meta's weak combinations (or a subset): ct+country+st+zp+ge+client_user_agent; db+client_user_agent; fn+ge; ln+ge.",
        "docs: best practices, 'An event is considered invalid if it only includes …'; a 2804050 refusal of client_user_agent alone is reported",
        ["docs.user_data.weak_combination.v13", "user_data.too_broad.2804050.setono.da", "user_data.user_agent_only.2804050.fixguide"];
    UserDataUnknownKey => "user_data.unknown_key", Reject, UNEXPECTED_KEY,
        "`user_data` carries only the keys of UserData.",
        "facebook-for-woocommerce#3668: Unexpected key \"click_id\" on param \"$['data'][0]['user_data']\"",
        ["user_data.unknown_key.click_id.woocommerce-3668"];
    HashFormat => "user_data.hash_format", Reject, NOT_HASHED_ANSWER,
        "Hashed keys hold 64 lowercase hex digits, optionally with a `.<appendix>`; raw values are rejected.",
        "docs: customer information parameters ('Hashing required'); param builder appendix (facts §3.7)",
        ["user_data.unhashed.2804016.java-421", "docs.user_data.hashing.required", "docs.user_data.param_builder_appendix"];
    ClientIpAddress => "user_data.client_ip_address.invalid", Warn, PARAMETER,
        "`client_ip_address` should be a valid IPv4 or IPv6 address (Events Manager flags others later; no refusal is on record).",
        "docs: 'must be a valid IPV4 or IPV6 address'",
        ["docs.user_data.client_ip_address.valid", "user_data.ip_ua.invalid.diagnostics.woocommerce-1682"];
    FbcFormat => "user_data.fbc.format", Reject, CLICK_ID_FORMAT_ANSWER,
        "`fbc` is `fb.<digits>.<digits>.<fbclid>`, optionally with a fifth appendix part.",
        "docs: fbp and fbc; capi-param-builder cookie validation (facts §6)",
        ["user_data.fbc.malformed.2804001.adsmurai-6", "docs.user_data.fbc.format"];
    FbpFormat => "user_data.fbp.format", Warn, PARAMETER,
        "`fbp` should be `fb.<digits>.<digits>.<random>`, optionally with a fifth appendix part (Events Manager flags others later; no refusal is on record).",
        "docs: fbp and fbc; capi-param-builder cookie validation (facts §6)",
        ["docs.user_data.fbp.format", "user_data.fbp.invalid.diagnostics.managed-components-2"];
    ExtinfoLength => "extinfo.length", Reject, PARAMETER,
        "`extinfo` holds exactly 16 values.",
        "docs: app data, 'all values are required and must be in the order indexed'",
        ["docs.extinfo.all_values_ordered"];
    ExtinfoVersion => "extinfo.version", Reject, PARAMETER,
        "`extinfo[0]` is `a2` (Android) or `i2` (iOS).",
        "docs: app data, 'version must be a2 for Android, i2 for iOS'",
        ["docs.extinfo.version"];
    ExtinfoOsVersion => "extinfo.os_version.required", Reject, PARAMETER,
        "`extinfo[4]` (OS version) is a non-empty string.",
        "docs: app data, index 4 Required",
        ["docs.extinfo.os_version.required"];
    ExtinfoIntegerPosition => "extinfo.integer_position", Reject, PARAMETER,
        "`extinfo` positions 9, 10, 12, 13, 14 are integers, digit strings or the empty placeholder.",
        "docs: app data (int64 positions); Java SDK sends all values as strings",
        ["docs.extinfo.position_types"];
    ExtinfoStringPosition => "extinfo.string_position", Reject, PARAMETER,
        "The other `extinfo` positions are strings (position 2, short version, may also be an integer).",
        "docs: app data (string positions; 'short version (int or string)')",
        ["docs.extinfo.position_types"];
    LduOption => "ldu.option", Reject, PARAMETER,
        "`data_processing_options` is `[]` or `[\"LDU\"]`.",
        "docs: data processing options",
        ["docs.ldu.option"];
    LduCountryRequired => "ldu.country.required", Reject, PARAMETER,
        "With LDU, `data_processing_options_country` is present.",
        "docs: 'Required, if you send LDU under data_processing_options'",
        ["docs.ldu.country.required"];
    LduCountryValue => "ldu.country.value", Reject, PARAMETER,
        "`data_processing_options_country` is 0 or 1.",
        "docs: 'accepted values are 1 ... or 0'",
        ["docs.ldu.country.values"];
    LduStateRequired => "ldu.state.required", Reject, PARAMETER,
        "With LDU and no `client_ip_address`, `data_processing_options_state` is present.",
        "docs: 'required if you send LDU ... and do not provide an IP address'",
        ["docs.ldu.state.required", "docs.ldu.country_without_state"];
    LduStateValue => "ldu.state.value", Reject, PARAMETER,
        "`data_processing_options_state` is 0 or one of 1000-1013 (the US states Meta lists).",
        "docs: data processing options, 'accepted values are 1000 for California, 1001 for Colorado, … 1013 for Rhode Island or 0'",
        ["docs.ldu.states", "docs.ldu.state.server_event_page", "ldu.states.pages_disagree.harness"];
    CustomDataNumber => "custom_data.value.number", Reject, PARAMETER,
        "`value`, `net_revenue` and `predicted_ltv` are finite numbers.",
        "docs: custom data (value: Float)",
        ["docs.custom_data.value.float", "custom_data.currency.lowercase.harness"];
    PurchaseValue => "custom_data.value.purchase_required", Reject, PURCHASE_VALUE,
        "A `Purchase` event has `custom_data.value` (the event name is matched exactly).",
        "rudder-transformer's fixture copied from a Graph answer (2024); a CRM vendor measured it against Meta (2026-09-03)",
        ["purchase.value.missing.rudder", "purchase.value.missing.crm.pt"];
    PurchaseCurrency => "custom_data.currency.purchase_required", Reject, PURCHASE_CURRENCY,
        "A `Purchase` event has `custom_data.currency`.",
        "a report quotes 2804010 with a Portuguese title, for Purchases without currency even with value 0",
        ["purchase.currency.missing.obralar.pt"];
    CurrencyFormat => "custom_data.currency.format", Reject, PARAMETER,
        "`currency` is three letters, in either case.",
        "docs: 'valid ISO 4217 three digit currency code'; SDKs send both cases",
        ["custom_data.currency.lowercase.harness", "docs.custom_data.currency.lowercase_example",
         "docs.custom_data.currency.iso4217"];
    CurrencyIso4217 => "custom_data.currency.iso4217", Reject, PARAMETER,
        "`currency` is a code of ISO 4217.",
        "docs: 'Currency must be a valid ISO 4217 three digit currency code'",
        ["docs.custom_data.currency.iso4217"];
    ContentType => "custom_data.content_type.value", Reject, PARAMETER,
        "`content_type` is `product` or `product_group`.",
        "docs: custom data, 'either product or product_group'",
        ["docs.custom_data.content_type"];
    ContentsItem => "custom_data.contents.item", Reject, PARAMETER,
        "Every `contents` item has a non-empty `id`; a `quantity`, when present, is at least 1.",
        "docs: contents 'contain the product IDs ... id, quantity, and item_price'; quantity bound is ours",
        ["docs.custom_data.contents"];
    ContentsUnknownKey => "custom_data.contents.unknown_key", Reject, UNEXPECTED_KEY,
        "Every `contents` item carries only the keys of Content.",
        "a README quotes Unexpected key \"name\" on param \"$['data'][0]['custom_data']['contents'][0]\"",
        ["contents.unknown_key.name.readme", "docs.custom_data.contents"];
    AttributionShareRange => "attribution_data.attribution_share.range", Reject, PARAMETER,
        "`attribution_data.attribution_share`, when present, is between 0 and 1.",
        "docs: AppendAttribution, attribution_share is a share between 0 and 1 (facts §2.7)",
        ["docs.attribution.share"];
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
    /// Where the rule comes from, in words.
    pub source: &'static str,
    /// Ids of the evidence ledger's entries behind the rule (`conformance/evidence.json`).
    pub evidence: &'static [&'static str],
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

/// A decision where sources disagree, are silent or are weak: what capi-kit does and the ledger
/// entries it weighed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// What the sources say.
    pub statement: &'static str,
    /// What capi-kit does, and why.
    pub decision: &'static str,
    /// Where the statement comes from, in words.
    pub source: &'static str,
    /// Ids of the evidence ledger's entries weighed (`conformance/evidence.json`).
    pub evidence: &'static [&'static str],
}

/// Every decision capi-kit made about Graph's behaviour where the evidence does not settle it.
pub const DECISIONS: &[Decision] = &[
    Decision {
        statement: "If you send client_ip_address or client_user_agent, you must send both keys.",
        decision: "Not enforced. Newer documentation drops it, and Graph accepted a website event without a user agent.",
        source: "seed document 004 (older Server-Side API page) vs docs: server event and customer information parameters",
        evidence: &[
            "docs.user_data.ip_and_ua_both",
            "website.no_user_agent.harness",
        ],
    },
    Decision {
        statement: "Optional values sent as null, and empty arrays for user_data keys.",
        decision: "Read as absent, as Graph does for Meta's Node SDK, which sends null for unset parameters; a key counts as customer information only with a non-null, non-empty value.",
        source: "facts §1 (Node SDK wire shape)",
        evidence: &[
            "user_data.user_agent_only.2804050.fixguide",
            "user_data.user_agent_and_ip.accepted.fixguide",
        ],
    },
    Decision {
        statement: "extinfo integer positions hold int64.",
        decision: "Digit strings and the empty placeholder are accepted there too: Meta's Java SDK sends all 16 values as strings.",
        source: "facts §2.6",
        evidence: &["docs.extinfo.position_types"],
    },
    Decision {
        statement: "A country without a state for LDU.",
        decision: "Accepted: Graph then geolocates the whole event, per the docs.",
        source: "docs: data_processing_options_state note",
        evidence: &["docs.ldu.country_without_state"],
    },
    Decision {
        statement: "Unknown keys inside nested objects.",
        decision: "Refused in user_data and in contents items (rules user_data.unknown_key, custom_data.contents.unknown_key), as Graph was seen refusing them; every key Meta's five official SDKs emit there is in the spec (checked 2026-12). Warnings only in app_data, original_event_data and attribution_data: no evidence either way, and refusing would cost whole batches. custom_data takes custom properties by design.",
        source: "a README and facebook-for-woocommerce#3668 quote Graph's refusals; the SDKs' serializers",
        evidence: &[
            "user_data.unknown_key.click_id.woocommerce-3668",
            "contents.unknown_key.name.readme",
            "event.unknown_key.advertiser_tracking_enabled.node-258",
        ],
    },
    Decision {
        statement: "Website events require client_user_agent (documented since 2021).",
        decision: "A warning (level warn): Graph accepted one without it (captured, v26.0). --strict rejects it, as documented.",
        source: "seed document 002 vs a live capture",
        evidence: &[
            "website.no_user_agent.harness",
            "docs.website.required_params.2021",
        ],
    },
    Decision {
        statement: "An event is invalid when its customer information is only one of Meta's weak combinations, or a subset of one.",
        decision: "Read literally: the keys with a value must not all fit in one combination (ct+country+st+zp+ge+client_user_agent; db+client_user_agent; fn+ge; ln+ge); any other set passes, client_ip_address alone included. Answered with 2804050 and Graph's English title.",
        source: "docs: best practices (v13 baseline); a 2804050 refusal of client_user_agent alone",
        evidence: &[
            "docs.user_data.weak_combination.v13",
            "user_data.user_agent_only.2804050.fixguide",
            "user_data.user_agent_and_ip.accepted.fixguide",
            "user_data.too_broad.2804050.setono.da",
        ],
    },
    Decision {
        statement: "Invalid client_ip_address and fbp values are flagged by Events Manager's diagnostics after Graph received them; a malformed fbc was refused with 2804001.",
        decision: "client_ip_address and fbp: warnings (no refusal on record). fbc: refused with 2804001, Click ID Incorrectly Formatted. Unhashed customer information: 2804016, User Parameter Not Hashed.",
        source: "Events Manager diagnostics reports; a full 2804001 body; a 2804016 body",
        evidence: &[
            "user_data.ip_ua.invalid.diagnostics.woocommerce-1682",
            "user_data.fbp.invalid.diagnostics.managed-components-2",
            "user_data.fbc.malformed.2804001.adsmurai-6",
            "user_data.unhashed.2804016.java-421",
        ],
    },
    Decision {
        statement: "Purchase events need a value (2804009) and, by one report, a currency (2804010).",
        decision: "Both refused for events named exactly Purchase (event names match case-sensitively: Graph's capture names Purchase). 2804009 carries Graph's English text; 2804010's English title is capi-kit's translation of the reported Portuguese one.",
        source: "a captured 2804009 body; a measured 2804009 and a reported 2804010",
        evidence: &[
            "purchase.value.missing.rudder",
            "purchase.value.missing.crm.pt",
            "purchase.currency.missing.obralar.pt",
        ],
    },
    Decision {
        statement: "advertiser_tracking_enabled is required for app events; Graph's message asks for 0 or 1, a report says true was out of range, and Meta's SDKs send booleans.",
        decision: "Required (Graph's title on record; its subcode is unknown, so 2804019 is capi-kit's). Both tracking flags take booleans (what Meta's SDKs send) and 0 or 1 (what Graph's message asks for; the spec's x-capi-also-accepted); other values are invalid. The Rust fields stay Option<bool>.",
        source: "facebook-nodejs-business-sdk#233 and #251; RevenueCat/purchases-flutter#1530; the SDKs",
        evidence: &[
            "app.advertiser_tracking_enabled.missing.node-233",
            "app.advertiser_tracking_enabled.missing.node-251",
            "app.advertiser_tracking_enabled.true.revenuecat-1530",
            "app.advertiser_tracking_enabled.boolean.python-sdk",
        ],
    },
    Decision {
        statement: "Business-messaging event names: Meta's page lists 14; a vendor's live-verified list has 5.",
        decision: "Meta's 14, matched exactly; others get 2804066 before any per-channel key is looked at. Missing channel ids are a warning. Such events are never deduplicated, as Meta states.",
        source: "docs: business messaging; a vendor's live check",
        evidence: &[
            "docs.business_messaging.event_names",
            "business_messaging.allowlist.zernio",
            "business_messaging.event_name.lead.zernio",
            "docs.business_messaging.channels",
            "docs.business_messaging.no_dedup",
        ],
    },
    Decision {
        statement: "A missing token is code 104 on every edge where it was captured; one weak report has 100/33 for an empty token field.",
        decision: "Code 104, HTTP 400, for a missing or an empty token (where Make.com put its empty field is unknown).",
        source: "captures on other edges; a Make.com log",
        evidence: &["token.missing.104.node-sdk-105", "token.empty.100-33.make"],
    },
    Decision {
        statement: "An invalid token got HTTP 400 in several observations and 401 in one.",
        decision: "HTTP 400, code 190, with Graph's WWW-Authenticate header; the 401 (its request not shown) is recorded as a conflict.",
        source: "captures and reports",
        evidence: &[
            "token.invalid.400.curl.other_edge",
            "token.invalid.400.altarwed-623",
            "token.invalid.401.harness",
            "headers.oauth_error.fbrads-74",
        ],
    },
    Decision {
        statement: "is_transient appears in some of Graph's bodies and not in others.",
        decision: "Sent where Graph's bodies carry it (rule refusals, throttling, codes 1 and 2), never with token, proof, unknown-object, unknown-path, version or generic (#100) answers.",
        source: "the full bodies of the ledger",
        evidence: &[
            "proof.missing.bottender-271",
            "proof.wrong.python-sdk-528",
            "token.invalid.401.harness",
            "event_time.too_old.harness.fr",
            "throttle.app.403",
        ],
    },
    Decision {
        statement: "Throttling: code 4 came with HTTP 403; the statuses of 17, 341 and 613 are not on record.",
        decision: "HTTP 403 for 4, 17, 341, 613 and 200-299, with (#4) and (#17) messages; 17 and 613 carry the subcodes of Meta's rate-limiting page. The client treats 613 as throttling too.",
        source: "captures on other edges; Meta's rate-limiting page",
        evidence: &[
            "throttle.app.403",
            "throttle.user.17.test_strings",
            "docs.rate_limit.17.2446079",
            "docs.rate_limit.613.1487742",
            "permission.200.403.koala-693",
        ],
    },
    Decision {
        statement: "An expired API version got code 2635 in 2020-21; Meta's versioning page says calls to an unusable version are defaulted to the next usable one, and deprecated Marketing API calls are upgraded since 2024.",
        decision: "The fake serves expired versions by default; capi serve --expired-versions reject answers 2635 as captured. The client sends the newest version, v27.0.",
        source: "captures; docs: versions and the 2024 blog post",
        evidence: &[
            "version.deprecated.2635.node-178",
            "docs.versions.platform_defaulting",
            "docs.versions.auto_upgrade.2024",
            "docs.versions.table",
        ],
    },
    Decision {
        statement: "Meta: events sent with test_event_code are not dropped; they flow into Events Manager (some vendors say the opposite).",
        decision: "The fake keeps them apart (GET /_fake/test_events/{code}), deduplicated among themselves, and out of the pixel's listing, so that a test's events never disturb what other tests inspect; against Graph they count as live.",
        source: "docs: Using the API; vendor notes",
        evidence: &[
            "docs.test_events.not_dropped",
            "test_events.excluded.pxi",
            "test_events.counted.harness",
        ],
    },
    Decision {
        statement: "A missing data, a body that is not JSON, and an empty data list.",
        decision: "All answered with Graph's generic (#100) The parameter data is required. (code 100, no subcode, no is_transient): seen for a corrupted body, and Graph's form for a missing required parameter. data: [] was never observed; answering it as missing is capi-kit's reading.",
        source: "a Make.com log; a capture on another edge; a validator's test",
        evidence: &[
            "json.malformed.make",
            "data.missing.other_edge.curl",
            "data.empty.validator.mock",
            "json.malformed.single_quotes.volcengine",
        ],
    },
    Decision {
        statement: "In 2020 a request with upload_tag got {id, num_processed_entries}.",
        decision: "Every accepted request gets {events_received, messages, fbtrace_id}, as every capture since 2022 shows.",
        source: "facebook-java-business-sdk#304 vs 2026 captures",
        evidence: &[
            "success.upload_tag.java-304",
            "website.no_user_agent.harness",
            "success.v21.pxi",
        ],
    },
    Decision {
        statement: "event_time as an ISO-8601 string is converted by Graph (a test with a Meta engineer).",
        decision: "Accepted and read as that instant, in the UTC form JavaScript's toISOString writes (2025-11-22T08:26:40Z, fractions dropped, +00:00 for Z; the spec's x-capi-also-accepted): Segment's destination sends that. Offsets other than UTC and strings of digits are refused as invalid values: nothing shows Graph reading them, and a refusal sends a team to the integer form every SDK uses, while accepting could hide a batch Graph refuses whole. The Rust field stays i64.",
        source: "segmentio/action-destinations#588",
        evidence: &["event_time.iso_string.segment-588"],
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
