//! Lists the SQLite migrations for `store/sqlite/connection.rs`, so that adding one is adding
//! its file. (PostgreSQL's are embedded by `sqlx::migrate!`.) Rebuilds when one changes.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    // Read when the script runs, not when it was compiled: a build script compiled for one
    // checkout may be reused for another that shares the target directory.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let directory = Path::new(&manifest).join("migrations/sqlite");
    let mut files: Vec<_> = std::fs::read_dir(&directory)
        .expect("migrations/sqlite")
        .map(|entry| entry.expect("a migration").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut list = String::from("&[\n");
    for file in files {
        writeln!(list, "    include_str!({:?}),", file.display().to_string()).expect("written");
    }
    list.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("sqlite_migrations.rs");
    std::fs::write(out, list).expect("the list of SQLite migrations");
}
