//! Breakers of the custom data rules: values, currency, contents, and attribution share.

use super::*;

/// A valid batch in which exactly `rule`, one of this area's, is broken.
pub(super) fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
        // Rule `custom_data.value.number`.
        RuleId::CustomDataNumber => in_event(
            rule,
            any_event(),
            (
                select(vec!["value", "net_revenue", "predicted_ltv"]),
                prop_oneof![
                    select(vec![
                        json!("12.50"),
                        json!(true),
                        json!([]),
                        json!([1.5]),
                        json!({}),
                        json!("NaN"),
                        json!("Infinity"),
                        json!(""),
                    ]),
                    text().prop_map(Value::String),
                ],
            ),
            |event, (key, value)| {
                object_at(event, "custom_data").insert(key.to_owned(), value);
            },
        ),
        // Rule `custom_data.currency.format`.
        RuleId::CurrencyFormat => {
            let currency = prop_oneof![
                select(vec![
                    "US$", "usdd", "US", "", "12a", "€", "EURO", " US", "ÜSD", "U S", "usd ",
                ])
                .prop_map(str::to_owned),
                ".{0,6}",
            ]
            .prop_filter("not three ASCII letters", |c| {
                !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            });
            in_event(rule, any_event(), currency, |event, currency| {
                // An empty currency counts as absent: on a Purchase that is rule
                // `custom_data.currency.purchase_required`, so it breaks this rule elsewhere.
                if currency.is_empty() && event["event_name"] == "Purchase" {
                    object_at(event, "custom_data").insert("currency".to_owned(), json!("US$"));
                    return;
                }
                object_at(event, "custom_data").insert("currency".to_owned(), json!(currency));
            })
        }
        // Rule `custom_data.currency.iso4217`.
        RuleId::CurrencyIso4217 => {
            let currency = prop_oneof![
                select(vec!["ABC", "XYZ", "QQQ", "ZZZ", "BTC", "RMB", "ntd", "abc"])
                    .prop_map(str::to_owned),
                "[A-Za-z]{3}",
            ]
            .prop_filter("not ISO 4217", |c| {
                iso_currency::Currency::from_code(&c.to_ascii_uppercase()).is_none()
            });
            in_event(rule, any_event(), currency, |event, currency| {
                object_at(event, "custom_data").insert("currency".to_owned(), json!(currency));
            })
        }
        // Rule `custom_data.content_type.value`.
        RuleId::ContentType => {
            let content_type = prop_oneof![
                select(vec![
                    "Product",
                    "products",
                    "product_group ",
                    "PRODUCT",
                    "product-group",
                    "hotel",
                    "flight",
                    "",
                ])
                .prop_map(str::to_owned),
                ".{0,12}",
            ]
            .prop_filter("not a content type", |t| {
                t != "product" && t != "product_group"
            });
            in_event(rule, any_event(), content_type, |event, content_type| {
                object_at(event, "custom_data")
                    .insert("content_type".to_owned(), json!(content_type));
            })
        }
        // Rule `custom_data.contents.item`.
        RuleId::ContentsItem => {
            let bad_item = prop_oneof![
                (content(), absent_or_empty()).prop_map(|(mut item, how)| {
                    how.apply(item.as_object_mut().expect("item"), "id");
                    item
                }),
                (content(), prop_oneof![Just(0i64), i64::MIN..=0]).prop_map(
                    |(mut item, quantity)| {
                        item["quantity"] = json!(quantity);
                        item
                    }
                ),
            ];
            in_event(
                rule,
                any_event(),
                (vec(content(), 0..=3), bad_item, any::<Index>()),
                |event, (mut items, bad, at)| {
                    items.insert(at.index(items.len() + 1), bad);
                    object_at(event, "custom_data").insert("contents".to_owned(), json!(items));
                },
            )
        }
        // Rule `custom_data.contents.unknown_key`.
        RuleId::ContentsUnknownKey => in_event(
            rule,
            any_event(),
            (
                content(),
                prop_oneof![
                    select(vec!["name", "price", "sku", "Quantity"]).prop_map(str::to_owned),
                    "x_[a-z]{1,8}",
                ],
            ),
            |event, (mut item, key)| {
                item[key.as_str()] = json!("value");
                object_at(event, "custom_data").insert("contents".to_owned(), json!([item]));
            },
        ),
        // Rule `custom_data.value.purchase_required`.
        RuleId::PurchaseValue => in_event(rule, any_event(), absent(), |event, how| {
            event["event_name"] = json!("Purchase");
            how.apply(object_at(event, "custom_data"), "value");
        }),
        // Rule `custom_data.currency.purchase_required`.
        RuleId::PurchaseCurrency => in_event(rule, any_event(), absent_or_empty(), |event, how| {
            event["event_name"] = json!("Purchase");
            let custom = object_at(event, "custom_data");
            custom.insert("value".to_owned(), json!(12.5));
            how.apply(custom, "currency");
        }),
        // Rule `attribution_data.attribution_share.range`.
        RuleId::AttributionShareRange => {
            let share = prop_oneof![
                select(vec![-0.0001, 1.0001, 2.0, -1.0, 100.0, 1e300]),
                -1e12..-1e-9f64,
                (1.0 + 1e-9)..1e12f64,
            ];
            in_event(rule, any_event(), share, |event, share| {
                object_at(event, "attribution_data")
                    .insert("attribution_share".to_owned(), json!(share));
            })
        }
        other => unreachable!("{other:?} is not a rule of this area"),
    }
}
