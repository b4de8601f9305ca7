//! `ARCHITECTURE.md` stays true: its file list is the files under `src/`, and no `crate::` path
//! points to a floor above the module that holds it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn architecture() -> String {
    std::fs::read_to_string(format!("{ROOT}/ARCHITECTURE.md")).unwrap()
}

/// Every `.rs` file under `dir`, as `src/…` paths.
fn rust_files(dir: &Path, into: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(ROOT).unwrap();
            into.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn the_file_list_is_the_files_under_src() {
    let text = architecture();
    let section = text
        .split_once("## Every file under `src/`")
        .expect("ARCHITECTURE.md lists every file")
        .1;
    let listed: BTreeSet<String> = section
        .lines()
        .filter_map(|line| line.strip_prefix("- `")?.split_once('`'))
        .map(|(path, _)| path.to_owned())
        .collect();
    let mut files = BTreeSet::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    let missing: Vec<_> = files.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&files).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "ARCHITECTURE.md: add {missing:?}, remove {stale:?}"
    );
}

/// The top-level module of each name on a `floor N` line of the map.
fn floors(text: &str) -> BTreeMap<String, u32> {
    let mut floors = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("floor ") else {
            continue;
        };
        let Some((number, modules)) = rest.split_once(' ') else {
            continue;
        };
        let Ok(floor) = number.parse::<u32>() else {
            continue; // prose that starts with "floor"
        };
        for word in modules.split([' ', ',']) {
            if let Some(name) = word.strip_suffix(".rs").or_else(|| word.strip_suffix('/')) {
                floors.insert(name.to_owned(), floor);
            }
        }
    }
    floors
}

#[test]
fn nothing_imports_upward() {
    let floors = floors(&architecture());
    assert!(floors.len() >= 15, "the map names the modules: {floors:?}");
    let floor_of = |module: &str| {
        // `types` is the generated module, re-exported.
        let module = if module == "types" {
            "generated"
        } else {
            module
        };
        *floors
            .get(module)
            .unwrap_or_else(|| panic!("{module} is on no floor of ARCHITECTURE.md"))
    };
    let mut files = BTreeSet::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    let mut upward = Vec::new();
    for file in &files {
        let module = file
            .trim_start_matches("src/")
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs");
        if module == "lib" {
            continue; // declares every module
        }
        let here = floor_of(module);
        let text = std::fs::read_to_string(format!("{ROOT}/{file}")).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for prefix in ["crate::", "capi_kit::"] {
                for (at, _) in line.match_indices(prefix) {
                    let name: String = line[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if name.is_empty()
                        || name == module
                        || !floors.contains_key(&name) && name != "types"
                    {
                        continue;
                    }
                    if floor_of(&name) > here {
                        upward.push(format!(
                            "{file}:{}: {module} (floor {here}) uses {name}",
                            number + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(upward.is_empty(), "{}", upward.join("\n"));
}

/// The features a `#[cfg(...)]` line names, if it is one.
fn cfg_features(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix("#[cfg(")?;
    let features: Vec<String> = inner
        .split("feature = \"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"'))
        .map(|(feature, _)| feature.to_owned())
        .collect();
    (!features.is_empty() && !inner.starts_with("test")).then_some(features)
}

/// The doc comment (`///` lines) right above line `at` of `lines`, attributes skipped.
fn doc_above(lines: &[&str], at: usize) -> String {
    let mut doc = Vec::new();
    for line in lines[..at].iter().rev() {
        let line = line.trim();
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim());
        } else if !line.starts_with("#[") {
            break;
        }
    }
    doc.reverse();
    doc.join(" ")
}

/// The docs of the public item a gated `pub` line names: the module's `//!` page for a `pub mod`,
/// the original item's `///` for a `pub use` (rustdoc shows those), else the lines above.
fn docs_of(file: &Path, lines: &[&str], at: usize, src: &BTreeSet<String>) -> (String, String) {
    let item = lines[at].trim();
    let name = item
        .trim_end_matches(';')
        .rsplit([' ', ':'])
        .next()
        .unwrap_or_default()
        .split(['(', '<', '{'])
        .next()
        .unwrap_or_default()
        .to_owned();
    if let Some(module) = item.strip_prefix("pub mod ") {
        let module = module.trim_end_matches(';');
        let dir = file.parent().unwrap();
        let page = [
            dir.join(format!("{module}.rs")),
            dir.join(module).join("mod.rs"),
        ]
        .into_iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default();
        let doc = page
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .collect::<Vec<_>>()
            .join(" ");
        return (format!("module {module}"), doc);
    }
    if item.starts_with("pub use ") {
        for path in src {
            let text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let defined = lines.iter().position(|line| {
                let line = line.trim_start();
                [
                    "pub fn ",
                    "pub async fn ",
                    "pub struct ",
                    "pub enum ",
                    "pub const ",
                ]
                .iter()
                .any(|kind| {
                    line.strip_prefix(kind).is_some_and(|rest| {
                        rest.starts_with(&name)
                            && !rest[name.len()..]
                                .starts_with(|c: char| c == '_' || c.is_alphanumeric())
                    })
                })
            });
            if let Some(defined) = defined {
                return (name, doc_above(&lines, defined));
            }
        }
    }
    (name, doc_above(lines, at))
}

/// Each feature-gated public item says in its docs which feature it needs (`doc(cfg)` is unstable
/// and the crate is not on docs.rs): the words "feature" and the feature's name in backticks.
#[test]
fn every_feature_gated_public_item_names_its_feature_in_its_docs() {
    let mut files = BTreeSet::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    let mut silent = Vec::new();
    let mut checked = 0;
    for path in &files {
        let file = Path::new(ROOT).join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let Some(features) = cfg_features(line) else {
                continue;
            };
            // The item the attribute is on: the next line that is not an attribute or a doc.
            let Some(item_at) = (at + 1..lines.len()).find(|&i| {
                let next = lines[i].trim();
                !next.starts_with("#[") && !next.starts_with("///")
            }) else {
                continue;
            };
            if !lines[item_at].trim_start().starts_with("pub ") {
                continue;
            }
            checked += 1;
            let (name, doc) = docs_of(&file, &lines, item_at, &files);
            let names_all = features.iter().all(|f| doc.contains(&format!("`{f}`")));
            if !doc.contains("feature") || !names_all {
                silent.push(format!("{path}: {name} (feature {})", features.join(", ")));
            }
        }
    }
    assert!(
        checked >= 7,
        "only {checked} gated public items found: is the scan broken?"
    );
    assert!(
        silent.is_empty(),
        "say the feature in the docs of: {silent:#?}"
    );
}
