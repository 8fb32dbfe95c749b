//! The layers point one way: every `crate::…` path in `src/` is checked against the list
//! of DEVELOPERS.md ("What never imports what"). A forbidden path fails here, naming the
//! file, the line and the rule.

use std::path::{Path, PathBuf};

/// `(module, modules it never imports)`, the same list as DEVELOPERS.md.
const NEVER: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "ai", "auth", "cli", "config", "http", "i18n", "mail", "portal", "server", "service", "store",
            "web",
        ],
    ),
    ("auth", &["ai", "cli", "config", "http", "i18n", "mail", "portal", "server", "service", "store", "web"]),
    ("ai", &["auth", "cli", "config", "http", "i18n", "mail", "portal", "server", "service", "store", "web"]),
    ("i18n", &["ai", "auth", "cli", "config", "http", "mail", "portal", "server", "service", "store", "web"]),
    ("mail", &["ai", "auth", "cli", "config", "http", "portal", "server", "service", "store", "web"]),
    ("store", &["ai", "cli", "config", "http", "i18n", "mail", "portal", "server", "service", "web"]),
    ("service", &["cli", "config", "http", "portal", "server", "web"]),
    ("web", &["cli", "config", "http", "portal", "server", "store"]),
    ("http", &["cli", "config", "portal", "server", "store"]),
    ("portal", &["cli", "config", "http", "server", "store"]),
    ("server", &["cli", "config", "store"]),
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to: its folder, or its own name.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative.components().next().expect("a component").as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The modules a line names as `crate::module`.
fn named_modules(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    code.match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect()
        })
        .collect()
}

#[test]
fn no_module_imports_what_its_layer_never_imports() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        let Some((_, never)) = NEVER.iter().find(|(name, _)| *name == module) else { continue };
        let text = std::fs::read_to_string(file).expect("a source file");
        for (number, line) in text.lines().enumerate() {
            for named in named_modules(line) {
                if never.contains(&named.as_str()) {
                    let shown = file.strip_prefix(&src).unwrap_or(file).display();
                    broken.push(format!("src/{shown}:{}: {module} never imports {named}", number + 1));
                }
            }
        }
    }
    assert!(broken.is_empty(), "imports against the layers (DEVELOPERS.md):\n{}", broken.join("\n"));
    assert!(files.len() > 50, "the source was read ({} files)", files.len());
}

#[test]
fn the_check_sees_a_forbidden_path() {
    assert_eq!(named_modules("use crate::store::StoreError; // crate::http is in a comment"), vec!["store"]);
    assert_eq!(named_modules("let x = crate::http::envelope::drafts(crate::web::a);"), vec!["http", "web"]);
    let src = Path::new("/x/src");
    assert_eq!(module_of(src, Path::new("/x/src/portal/page.rs")), "portal");
    assert_eq!(module_of(src, Path::new("/x/src/cli.rs")), "cli");
}

#[test]
fn developers_md_lists_the_same_rules() {
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("DEVELOPERS.md"))
        .expect("DEVELOPERS.md");
    for (module, never) in NEVER {
        let line = format!(
            "- `{module}` never imports {}.",
            never.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
        );
        assert!(guide.contains(&line), "DEVELOPERS.md lacks the line: {line}");
    }
}
