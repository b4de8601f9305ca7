//! The case files: the ones built into capi-kit, or a directory of them.

use std::collections::HashMap;
use std::path::Path;

use super::authority::{self, Authority, Derivation};
use super::case::{Case, CaseFile, FORMAT_VERSION};
use super::evidence::{self, Ledger};

/// The areas of the built-in suite, one file each under `conformance/cases/`.
pub const AREAS: [&str; 13] = [
    "structure",
    "batch",
    "time",
    "action_source",
    "user_data",
    "extinfo",
    "ldu",
    "custom_data",
    "attribution",
    "wire",
    "auth",
    "dedup",
    "test_events",
];

/// The built-in case files' texts, in [`AREAS`] order.
const BUILT_IN: [&str; 13] = [
    include_str!("../../conformance/cases/structure.json"),
    include_str!("../../conformance/cases/batch.json"),
    include_str!("../../conformance/cases/time.json"),
    include_str!("../../conformance/cases/action_source.json"),
    include_str!("../../conformance/cases/user_data.json"),
    include_str!("../../conformance/cases/extinfo.json"),
    include_str!("../../conformance/cases/ldu.json"),
    include_str!("../../conformance/cases/custom_data.json"),
    include_str!("../../conformance/cases/attribution.json"),
    include_str!("../../conformance/cases/wire.json"),
    include_str!("../../conformance/cases/auth.json"),
    include_str!("../../conformance/cases/dedup.json"),
    include_str!("../../conformance/cases/test_events.json"),
];

/// A set of case files, with each case's authority derived from the ledger.
#[derive(Clone, Debug, PartialEq)]
pub struct Suite {
    /// The files, in the order their cases run and are reported.
    pub files: Vec<CaseFile>,
    /// Each case's derivation, by case id.
    derived: HashMap<String, Derivation>,
}

/// A case file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SuiteError {
    /// The file or directory cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a case file.
    #[error("{name} is not a case file: {source}")]
    Parse {
        /// The file's name.
        name: String,
        /// Where and why.
        source: serde_json::Error,
    },
    /// The ledger the cases name cannot be read.
    #[error("the evidence ledger cannot be read: {0}")]
    Ledger(serde_json::Error),
    /// A case names evidence wrongly.
    #[error(transparent)]
    Evidence(#[from] authority::AuthorityError),
    /// The file is well-formed but inconsistent.
    #[error("{name}: {problem}")]
    Invalid {
        /// The file's name.
        name: String,
        /// What is wrong.
        problem: String,
    },
}

impl Suite {
    /// The suite built into capi-kit (`conformance/cases/*.json` when it was compiled).
    pub fn built_in() -> Result<Suite, SuiteError> {
        let files = AREAS
            .iter()
            .zip(BUILT_IN)
            .map(|(area, text)| parse(&format!("{area}.json"), text))
            .collect::<Result<Vec<_>, _>>()?;
        Suite::new(files)
    }

    /// Every `*.json` file of `dir`, in name order.
    pub fn from_dir(dir: &Path) -> Result<Suite, SuiteError> {
        let read_error = |source| SuiteError::Read {
            path: dir.display().to_string(),
            source,
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(read_error)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        let files = paths
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).map_err(|source| SuiteError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                let name = path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                parse(&name, &text)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Suite::new(files)
    }

    /// A suite of `files` whose cases name entries of the built-in ledger; see [`Suite::with_ledger`].
    pub fn new(files: Vec<CaseFile>) -> Result<Suite, SuiteError> {
        let ledger = evidence::built_in().map_err(SuiteError::Ledger)?;
        Suite::with_ledger(files, &ledger)
    }

    /// A suite of `files`, checked (known version, ids unique and prefixed by their area, steps,
    /// evidence that `ledger` holds and that backs what the case asserts), each case's authority
    /// derived from `ledger`.
    pub fn with_ledger(files: Vec<CaseFile>, ledger: &Ledger) -> Result<Suite, SuiteError> {
        let mut ids = std::collections::HashSet::new();
        for file in &files {
            let invalid = |problem: String| SuiteError::Invalid {
                name: format!("{}.json", file.area),
                problem,
            };
            if file.version != FORMAT_VERSION {
                return Err(invalid(format!(
                    "version {} (this runner reads version {FORMAT_VERSION})",
                    file.version
                )));
            }
            for case in &file.cases {
                if !case.id.starts_with(&format!("{}.", file.area)) {
                    return Err(invalid(format!(
                        "case {} does not start with its area",
                        case.id
                    )));
                }
                if !ids.insert(case.id.clone()) {
                    return Err(invalid(format!("case id {} is used twice", case.id)));
                }
                if case.steps.is_empty() {
                    return Err(invalid(format!("case {} has no steps", case.id)));
                }
            }
        }
        let derived = files
            .iter()
            .flat_map(|file| &file.cases)
            .map(|case| Ok((case.id.clone(), authority::derive(case, ledger)?)))
            .collect::<Result<_, SuiteError>>()?;
        Ok(Suite { files, derived })
    }

    /// How the authority of the case `id` was derived: every asserted field and what backs it.
    pub fn derivation(&self, id: &str) -> Option<&Derivation> {
        self.derived.get(id)
    }

    /// The derived authority of the case `id` (`policy` for a case the suite lacks).
    pub fn authority(&self, id: &str) -> Authority {
        self.derivation(id)
            .map_or(Authority::Policy, |d| d.authority)
    }

    /// Every case with its area, in suite order.
    pub fn cases(&self) -> impl Iterator<Item = (&str, &Case)> {
        self.files.iter().flat_map(|file| {
            file.cases
                .iter()
                .map(move |case| (file.area.as_str(), case))
        })
    }
}

fn parse(name: &str, text: &str) -> Result<CaseFile, SuiteError> {
    let parse_error = |source| SuiteError::Parse {
        name: name.to_owned(),
        source,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(parse_error)?;
    if let Some(version) = value.get("version").and_then(|v| v.as_u64())
        && version != u64::from(FORMAT_VERSION)
    {
        return Err(SuiteError::Invalid {
            name: name.to_owned(),
            problem: format!(
                "case format {version}; this runner reads format {FORMAT_VERSION} (format 2 \
                 replaced each case's `authority` by the ledger entries in `evidence`: see \
                 CHANGELOG.md)"
            ),
        });
    }
    serde_json::from_value(value).map_err(parse_error)
}
