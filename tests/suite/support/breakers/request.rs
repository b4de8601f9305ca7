//! Breakers of the request rules: the request as a whole: its JSON, `data`, `trace`, and values of the wrong shape.

use super::*;

/// A valid batch in which exactly `rule`, one of this area's, is broken.
pub(super) fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
        // Rule `request.json.malformed`.
        RuleId::MalformedJson => malformed_json(),
        // Rule `request.data.required`.
        RuleId::DataRequired => in_request(
            rule,
            select(vec![None, Some("Data"), Some("events")]),
            |request, renamed| {
                let data = request.remove("data").expect("data");
                if let Some(key) = renamed {
                    request.insert(key.to_owned(), data);
                }
            },
        ),
        // Rule `request.data.empty`.
        RuleId::DataEmpty => request_options()
            .prop_map(move |options| Broken {
                rule,
                event: None,
                body: Body::Json(with_events(options, Vec::new())),
            })
            .boxed(),
        // Rule `request.data.too_many`.
        RuleId::DataTooMany => (
            vec(any_event(), 1..=5),
            1_001..=1_010usize,
            request_options(),
        )
            .prop_map(move |(events, len, options)| Broken {
                rule,
                event: None,
                body: Body::Json(with_events(
                    options,
                    events.iter().cycle().take(len).cloned().collect(),
                )),
            })
            .boxed(),
        // Rule `request.trace.range`.
        RuleId::TraceRange => in_request(
            rule,
            prop_oneof![Just(-1i64), i64::MIN..0],
            |request, trace| {
                request.insert("trace".to_owned(), json!(trace));
            },
        ),
        // Rule `structure.invalid_value`.
        RuleId::InvalidValue => invalid_value(),
        other => unreachable!("{other:?} is not a rule of this area"),
    }
}

/// A valid batch of 1 to 20 events, then `apply` to the request object.
fn in_request<A>(
    rule: RuleId,
    arg: A,
    apply: fn(&mut Map<String, Value>, A::Value),
) -> BoxedStrategy<Broken>
where
    A: Strategy + 'static,
{
    (batch(1..=OTHERS + 1), arg)
        .prop_map(move |(mut body, arg)| {
            apply(body.as_object_mut().expect("a request object"), arg);
            Broken {
                rule,
                event: None,
                body: Body::Json(body),
            }
        })
        .boxed()
}

fn malformed_json() -> BoxedStrategy<Broken> {
    let corruption = prop_oneof![
        any::<Index>().prop_map(Corruption::Truncate),
        (any::<Index>(), select(JUNK.to_vec()))
            .prop_map(|(at, bytes)| Corruption::Insert(at, bytes)),
        (any::<Index>(), select(JUNK.to_vec()))
            .prop_map(|(at, bytes)| Corruption::InsertInName(at, bytes)),
        select(vec![
            &b"x"[..],
            b"}",
            b",",
            b"{}",
            b"[]",
            b"\xff",
            b" 1",
            b"\"\"",
        ])
        .prop_map(Corruption::Append),
    ];
    (batch(1..=OTHERS + 1), corruption)
        .prop_map(|(body, corruption)| {
            let mut bytes = to_bytes(&body);
            let insert = |bytes: &mut Vec<u8>, points: Vec<usize>, at: Index, junk: &[u8]| {
                let at = points[at.index(points.len())];
                bytes.splice(at..at, junk.iter().copied());
            };
            match corruption {
                Corruption::Truncate(at) => {
                    let len = at.index(bytes.len());
                    bytes.truncate(len);
                }
                Corruption::Insert(at, junk) => {
                    let points = outside_strings(&bytes);
                    insert(&mut bytes, points, at, junk);
                }
                Corruption::InsertInName(at, junk) => {
                    let points = inside_event_names(&bytes);
                    insert(&mut bytes, points, at, junk);
                }
                Corruption::Append(junk) => bytes.extend_from_slice(junk),
            }
            Broken {
                // Rule `request.json.malformed`.
                rule: RuleId::MalformedJson,
                event: None,
                body: Body::Bytes(bytes),
            }
        })
        .boxed()
}

/// How a valid body is made unreadable.
#[derive(Clone, Debug)]
enum Corruption {
    /// Cut short.
    Truncate(Index),
    /// Bytes that are never valid JSON, inserted outside strings.
    Insert(Index, &'static [u8]),
    /// Bytes that are never valid UTF-8 (or raw control characters), inserted into an `event_name`.
    InsertInName(Index, &'static [u8]),
    /// Data after the JSON value.
    Append(&'static [u8]),
}

/// Insertion points (byte offsets) of `json` that are outside every string.
fn outside_strings(json: &[u8]) -> Vec<usize> {
    let mut points = vec![0];
    let (mut in_string, mut escaped) = (false, false);
    for (i, &byte) in json.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
        }
        if !in_string {
            points.push(i + 1);
        }
    }
    points
}

/// Insertion points just inside the value of every `event_name` key (events and original events).
fn inside_event_names(json: &[u8]) -> Vec<usize> {
    let key = b"\"event_name\":\"";
    json.windows(key.len())
        .enumerate()
        .filter(|(_, window)| *window == key)
        .map(|(i, _)| i + key.len())
        .collect()
}
