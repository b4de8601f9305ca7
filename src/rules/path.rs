//! Blame paths in Graph's style: `$['data'][12]['app_data']['extinfo'][4]`.

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

/// One step of a blame path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// An object key.
    Key(Cow<'static, str>),
    /// An array index.
    Index(usize),
}

/// Where in a request a violation is, printed the way Graph prints it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlamePath(Vec<Segment>);

impl BlamePath {
    /// The path of the whole request, `$`.
    pub fn root() -> Self {
        BlamePath(Vec::new())
    }

    /// The path of event `index`: `$['data'][index]`.
    pub fn event(index: usize) -> Self {
        BlamePath::root().key("data").index(index)
    }

    /// This path followed by an object key.
    pub fn key(mut self, key: impl Into<Cow<'static, str>>) -> Self {
        self.0.push(Segment::Key(key.into()));
        self
    }

    /// This path followed by an array index.
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(Segment::Index(index));
        self
    }

    /// The steps of the path.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The last object key of the path, if any (`extinfo` for `$['data'][0]['app_data']['extinfo'][4]`).
    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|segment| match segment {
            Segment::Key(key) => Some(key.as_ref()),
            Segment::Index(_) => None,
        })
    }

    /// True when the path is an event itself: `$['data'][i]`.
    pub fn is_event(&self) -> bool {
        self.0.len() == 2 && self.event_index().is_some()
    }

    /// The index of the event the path points into, if any.
    pub fn event_index(&self) -> Option<usize> {
        match self.0.as_slice() {
            [Segment::Key(data), Segment::Index(index), ..] if data == "data" => Some(*index),
            _ => None,
        }
    }
}

impl fmt::Display for BlamePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in &self.0 {
            match segment {
                Segment::Key(key) => {
                    f.write_str("['")?;
                    for c in key.chars() {
                        if c == '\'' || c == '\\' {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                    f.write_str("']")?;
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for BlamePath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_graph() {
        let path = BlamePath::event(12).key("app_data").key("extinfo").index(4);
        assert_eq!(path.to_string(), "$['data'][12]['app_data']['extinfo'][4]");
        assert_eq!(path.event_index(), Some(12));
        assert_eq!(BlamePath::root().key("data").to_string(), "$['data']");
        assert_eq!(BlamePath::root().key("it's").to_string(), r"$['it\'s']");
    }
}
