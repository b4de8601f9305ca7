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
