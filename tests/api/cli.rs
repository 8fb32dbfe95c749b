//! The `portico` binary as an operator uses it: locations, members, CSV import, and the
//! demo account on a fresh database.

use portico::domain::catalogue::Field;
use portico::domain::directory::DirectoryOrder;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use portico::store::{self, DynStore};
use serde_json::Value;

struct Database {
    dir: tempfile::TempDir,
    url: String,
}

impl Database {
    fn new() -> Database {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("cli.db").display());
        Database { dir, url }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run portico")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
        command
            .args(args)
            .env("PORTICO_DATABASE_URL", &self.url)
            .env("PORTICO_ARGON2_MEMORY_KIB", "1024")
            .env("PORTICO_ARGON2_ITERATIONS", "1")
            .current_dir(self.dir.path());
        command
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write file");
        path.display().to_string()
    }

    async fn store(&self) -> DynStore {
        store::connect(&self.url, &Default::default()).await.expect("store")
    }

    /// `portico args…` in the database's directory with no database URL of its own: what
    /// it reads comes from the configuration file.
    fn run_bare(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        command.env_remove("PORTICO_DATABASE_URL");
        command.output().expect("run portico")
    }

    /// Starts `portico serve` on a random port; returns the child and its first stdout lines.
    fn serve(&self) -> (Child, Vec<String>, String) {
        self.serve_with(&["--metrics-bind", "off"])
    }

    fn serve_with(&self, args: &[&str]) -> (Child, Vec<String>, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .env("PORTICO_DATABASE_URL", &self.url)
            .current_dir(self.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn portico serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = Vec::new();
        let mut address = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("line");
            if let Some(rest) = line.strip_prefix("Portico is serving on ") {
                address = rest.to_string();
                break;
            }
            lines.push(line);
        }
        (child, lines, address)
    }
}

fn succeeded(output: &Output) -> String {
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn locations_and_members_are_added_from_the_command_line() {
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street", "--country", "DE"]));
    succeeded(&db.run(&["location", "add", "Harbour House"]));
    let out = succeeded(&db.run(&[
        "member",
        "add",
        "--email",
        "jane@example.com",
        "--password",
        "a long passphrase",
        "--name",
        "Jane Doe",
    ]));
    assert!(out.contains("Created member"), "{out}");
    let with_password = db.run(&[
        "member",
        "add",
        "--email",
        "JANE@example.com",
        "--password",
        "another long passphrase",
        "--name",
        "Jane Doe",
        "--location",
        "Harbour House",
    ]);
    let stderr = String::from_utf8_lossy(&with_password.stderr);
    assert!(!with_password.status.success(), "an existing member's password is never silently kept");
    assert!(stderr.contains("already a member") && stderr.contains("portico member password"), "{stderr}");
    let out = succeeded(&db.run(&[
        "member",
        "add",
        "--email",
        "JANE@example.com",
        "--name",
        "Jane Doe",
        "--location",
        "Harbour House",
    ]));
    assert!(out.contains("Added profile"), "{out}");

    let duplicate = db.run(&[
        "member",
        "add",
        "--email",
        "jane@example.com",
        "--name",
        "Jane",
        "--location",
        "Canal Street",
    ]);
    assert!(!duplicate.status.success());
    let missing = db.run(&[
        "member",
        "add",
        "--email",
        "bob@example.com",
        "--password",
        "x",
        "--name",
        "Bob",
        "--location",
        "Nowhere",
    ]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no location named"));

    let store = db.store().await;
    let login = store.login_record("jane@example.com").await.expect("query").expect("jane");
    let profiles = store.profiles_of_user(login.user_id).await.expect("profiles");
    assert_eq!(profiles.len(), 2);
    let first = store.profile(profiles[0].id).await.expect("profile");
    assert_eq!((first.values.int(Field::CountryId), first.country_name()), (Some(276), "Germany"));
}

#[tokio::test]
async fn a_good_csv_file_imports() {
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    let file = db.file(
        "members.csv",
        "Email,Password,FullName,CompanyName,CountryId,ProfileIsPublic,ProfileTags\n\
         ann@example.com,first passphrase,Ann Lee,Acme,DE,true,\"rust, design\"\n\
         ben@example.com,second passphrase,Ben Okafor,,826,no,\n",
    );
    let out = succeeded(&db.run(&["member", "import", &file]));
    assert!(out.contains("Imported 2"), "{out}");
    let store = db.store().await;
    let ann = store.login_record("ann@example.com").await.expect("query").expect("ann");
    let profile = store.profile(ann.default_profile_id).await.expect("profile");
    assert_eq!(
        (
            profile.values.text(Field::CompanyName),
            profile.values.int(Field::CountryId),
            profile.values.flag(Field::ProfileIsPublic)
        ),
        (Some("Acme"), Some(276), true)
    );
    assert_eq!(profile.tags_list(), vec!["rust", "design"]);
    assert!(store.login_record("ben@example.com").await.expect("query").is_some());
}

#[tokio::test]
async fn a_csv_file_with_a_bad_row_writes_nothing_and_names_the_line() {
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    let file = db.file(
        "members.csv",
        "Email,Password,FullName,BillingEmail\n\
         ann@example.com,first passphrase,Ann Lee,ann@example.com\n\
         ben@example.com,second passphrase,Ben Okafor,not-an-email\n\
         cat@example.com,third passphrase,Cat Diaz,cat@example.com\n",
    );
    let output = db.run(&["member", "import", &file]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3") && stderr.contains("BillingEmail"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!db.store().await.has_users().await.expect("query"));

    let unknown_column = db.file("bad-header.csv", "Email,Password,FullName,Fullname\n");
    let output = db.run(&["member", "import", &unknown_column]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("line 1") && stderr.contains("FullName"), "{stderr}");
}

#[tokio::test]
async fn a_fresh_database_gets_a_demo_account_announced_once() {
    let db = Database::new();
    let (mut child, lines, address) = db.serve();
    let curl = lines.iter().find(|l| l.contains("curl")).expect("a curl line").clone();
    let password = curl.split("password=").nth(1).expect("password").trim().to_string();
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let response = client
        .post(format!("{address}/api/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", "demo@portico.example"),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.expect("json");
    assert!(token["access_token"].is_string());
    child.kill().expect("stop");
    let _ = child.wait();

    let (mut again, lines, _) = db.serve();
    assert!(!lines.iter().any(|l| l.contains("curl")), "the demo is announced only once: {lines:?}");
    again.kill().expect("stop");
    let _ = again.wait();
}

#[tokio::test]
async fn policies_sessions_and_the_audit_log_from_the_command_line() {
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    let out =
        succeeded(&db.run(&["location", "policy", "Canal Street", "--min-length", "14", "--require-digit"]));
    assert!(out.contains("14 to 128 characters") && out.contains("a digit required"), "{out}");
    let weak = db.run(&[
        "member",
        "add",
        "--email",
        "jane@example.com",
        "--password",
        "no digits here at all",
        "--name",
        "Jane",
    ]);
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("must contain a digit"),
        "the policy applies to new members"
    );
    succeeded(&db.run(&[
        "member",
        "add",
        "--email",
        "jane@example.com",
        "--password",
        "four digits 1234 here",
        "--name",
        "Jane",
    ]));

    let store = db.store().await;
    let location = store.locations().await.expect("locations").remove(0);
    assert_eq!((location.policy.min_length, location.policy.require_digit), (14, true));

    let (mut child, _, address) = db.serve();
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let sign_in = |password: &'static str| {
        client
            .post(format!("{address}/api/token"))
            .header("User-Agent", "cli-test")
            .form(&[("grant_type", "password"), ("username", "jane@example.com"), ("password", password)])
            .send()
    };
    assert_eq!(sign_in("wrong").await.expect("POST").status(), 400);
    let token: Value = sign_in("four digits 1234 here").await.expect("POST").json().await.expect("json");
    let access = token["access_token"].as_str().expect("access").to_string();

    let out = succeeded(&db.run(&["member", "sessions", "jane@example.com"]));
    assert!(out.contains("1 live session") && out.contains("cli-test"), "{out}");
    let out = succeeded(&db.run(&["member", "revoke", "jane@example.com"]));
    assert!(out.contains("Ended 1 session"), "{out}");
    let me = client.get(format!("{address}/login/me")).bearer_auth(&access).send().await.expect("GET");
    assert_eq!(me.status(), 401, "revoked from another process, enforced at once");

    let token: Value = sign_in("four digits 1234 here").await.expect("POST").json().await.expect("json");
    let access = token["access_token"].as_str().expect("access").to_string();
    let mut reset = db.command(&["member", "password", "jane@example.com"]);
    let out =
        succeeded(&reset.env("PORTICO_MEMBER_PASSWORD", "forgot 9 it all again").output().expect("run"));
    assert!(out.contains("ended 1 session"), "{out}");
    let me = client.get(format!("{address}/login/me")).bearer_auth(&access).send().await.expect("GET");
    assert_eq!(me.status(), 401, "a password set by the operator ends every session");
    assert_eq!(sign_in("four digits 1234 here").await.expect("POST").status(), 400);
    assert_eq!(sign_in("forgot 9 it all again").await.expect("POST").status(), 200);
    let mut weak = db.command(&["member", "password", "jane@example.com"]);
    let weak = weak.env("PORTICO_MEMBER_PASSWORD", "password123456").output().expect("run");
    assert!(
        !weak.status.success() && String::from_utf8_lossy(&weak.stderr).contains("Password"),
        "the policy applies"
    );

    let out = succeeded(&db.run(&["audit", "jane@example.com"]));
    assert!(out.starts_with("Member 1 (jane@example.com), who holds jane@example.com now:"), "{out}");
    let events: Vec<&str> = out.lines().skip(1).filter_map(|l| l.split_whitespace().nth(1)).collect();
    let expected = ["sign_in_failed", "sign_in", "sessions_revoked", "sign_in", "password_set_by_operator"];
    assert_eq!(events[..5], expected, "{out}");
    assert!(!out.contains("four digits") && !out.contains("wrong") && !out.contains("forgot"), "{out}");
    child.kill().expect("stop");
    let _ = child.wait();
}

/// The README's own operator examples, run as typed: its example password meets the
/// default policy, its CSV file imports, and the messages read right.
#[tokio::test]
async fn the_readmes_operator_commands_work_as_typed() {
    let readme = include_str!("../../README.md");
    let password = readme
        .split("PORTICO_MEMBER_PASSWORD='")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the README's example password");
    let csv =
        readme.split("```csv\n").nth(1).and_then(|rest| rest.split("```").next()).expect("the CSV example");

    let db = Database::new();
    let created = succeeded(&db.run(&["migrate"]));
    assert!(created.starts_with("Created the database schema"), "{created}");
    let again = succeeded(&db.run(&["migrate"]));
    assert!(again.starts_with("The database schema was already up to date"), "{again}");
    succeeded(&db.run(&["location", "add", "Canal Street", "--country", "DE"]));
    let added = db
        .command(&[
            "member",
            "add",
            "--email",
            "ann@example.com",
            "--name",
            "Ann Example",
            "--location",
            "Canal Street",
        ])
        .env("PORTICO_MEMBER_PASSWORD", password)
        .output()
        .expect("run portico");
    assert!(succeeded(&added).contains("Created member"));
    let file = db.file("members.csv", csv);
    let imported = succeeded(&db.run(&["member", "import", &file]));
    assert!(imported.starts_with("Imported 2 profiles"), "{imported}");
    let one = db.file("one.csv", "Email,Password,FullName\nkim@example.com,violet kettle drum 42,Kim Lee\n");
    assert!(succeeded(&db.run(&["member", "import", &one])).starts_with("Imported 1 profile from"));
    let policy =
        succeeded(&db.run(&["location", "policy", "Canal Street", "--min-length", "12", "--min-score", "4"]));
    assert!(policy.contains("12 to 128 characters") && !policy.contains('{'), "in words: {policy}");
    let history = succeeded(&db.run(&["member", "history", "jane@example.com"]));
    assert!(history.starts_with("0 change(s) by jane@example.com"), "{history}");

    let help = succeeded(&db.run(&["--help"]));
    for command in ["location", "member"] {
        let line = help.lines().find(|l| l.trim_start().starts_with(command)).expect("listed");
        assert!(line.trim().len() > command.len() + 10, "{command} has help text: {line:?}");
    }
    let policy_help = succeeded(&db.run(&["location", "policy", "--help"]));
    assert!(
        policy_help.contains("--min-length <MIN_LENGTH>\n          The fewest characters"),
        "{policy_help}"
    );
}

#[test]
fn a_postgres_url_without_a_user_is_explained_once() {
    let output = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["migrate", "--database-url", "postgres://127.0.0.1:5432/test"])
        .env_remove("PGUSER")
        .output()
        .expect("run portico");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(stderr.matches("names no user").count(), 1, "{stderr}");
}

#[test]
fn repeated_causes_are_said_once() {
    let error = anyhow::anyhow!("role \"x\" does not exist").context("role \"x\" does not exist at line 7");
    let error = error.context("opening the database");
    assert_eq!(
        portico::cli::describe_error(&error),
        "opening the database: role \"x\" does not exist at line 7"
    );
}

/// `portico seed` makes the same members for the same seed, lists most of them in the
/// directory, lets each sign in with the printed password, and refuses to seed them twice.
#[tokio::test]
async fn seeding_is_repeatable_and_its_members_are_real() {
    let (first, second) = (Database::new(), Database::new());
    let args = ["seed", "--location", "Seed Street", "--members", "300", "--seed", "7"];
    let said = succeeded(&first.run(&args));
    assert!(said.contains("Seeded 300 members at Seed Street"), "{said}");
    assert!(said.contains(portico::service::seed::SEED_PASSWORD), "{said}");
    let sign_in_as = said.split("Sign in as ").nth(1).and_then(|rest| rest.split_whitespace().next());
    let sign_in_as = sign_in_as.expect("an address to sign in with").to_string();
    assert!(sign_in_as.ends_with("@s7.seed.example"), "{said}");
    assert!(said.contains("`portico member list --location \"Seed Street\"`"), "{said}");
    succeeded(&second.run(&args));
    let (a, b) = (first.store().await, second.store().await);
    let location = a.locations().await.expect("locations")[0].id;
    let listed = a.list_directory(location, None, DirectoryOrder::Name, 0, 1000).await.expect("list");
    assert!((200..300).contains(&listed.total), "most are public: {}", listed.total);
    let names = |profiles: Vec<portico::store::DirectoryProfile>| -> Vec<String> {
        profiles
            .iter()
            .map(|p| p.profile.values.text(Field::FullName).unwrap_or_default().to_string())
            .collect()
    };
    let listed_there =
        succeeded(&first.run(&["member", "list", "--location", "Seed Street", "--limit", "1000"]));
    assert_eq!(listed_there.lines().count(), 300, "the command named lists them");
    assert!(listed_there.contains(&sign_in_as), "the address named is one of them");
    let first_page = a.directory_profiles(location, &listed.profile_ids[..5]).await.expect("profiles");
    let other_location = b.locations().await.expect("locations")[0].id;
    let other = b.list_directory(other_location, None, DirectoryOrder::Name, 0, 5).await.expect("list");
    let other_page = b.directory_profiles(other_location, &other.profile_ids).await.expect("profiles");
    let (mut mine, mut theirs) = (names(first_page), names(other_page));
    mine.sort();
    theirs.sort();
    assert_eq!(mine, theirs, "the same seed makes the same members");
    assert!(first_page_has_professional_details(&a, &listed.profile_ids).await);

    let again = first.run(&args);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already seeded"), "a clean refusal");
}

async fn first_page_has_professional_details(store: &DynStore, ids: &[i64]) -> bool {
    let profile = store.profile(ids[0]).await.expect("profile");
    [Field::Position, Field::CompanyName, Field::BusinessArea, Field::ProfileSummary, Field::ProfileTags]
        .into_iter()
        .all(|field| profile.values.text(field).is_some_and(|text| !text.is_empty()))
}

#[tokio::test]
async fn a_locations_ai_writer_is_set_from_the_command_line_without_its_key() {
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    let out = succeeded(&db.run(&[
        "location",
        "ai",
        "Canal Street",
        "--provider",
        "openai",
        "--base-url",
        "http://127.0.0.1:11434/v1",
        "--model",
        "llama3.1:8b",
        "--api-key-env",
        "OLLAMA_KEY",
        "--daily-cap",
        "40",
    ]));
    assert!(out.contains("provider openai") && out.contains("key from OLLAMA_KEY"), "{out}");
    let location = db.store().await.locations().await.expect("locations").remove(0);
    assert_eq!(location.ai.provider, Some(portico::domain::ai::Provider::OpenAi));
    assert_eq!(location.ai.daily_cap, Some(40));

    let key = "sk-live-abcdefghijklmnopqrstuvwxyz";
    let refused = db.run(&["location", "ai", "Canal Street", "--provider", "openai", "--api-key-env", key]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("name of an environment variable") && !stderr.contains(&key[8..]), "{stderr}");
    let with_password = [
        "location",
        "ai",
        "Canal Street",
        "--provider",
        "openai",
        "--base-url",
        "https://u:pw@ai.example/v1",
    ];
    assert!(!db.run(&with_password).status.success(), "a URL with credentials is not stored");
    assert!(!db.run(&["location", "ai", "Canal Street", "--provider", "gpt"]).status.success());
    let kept = db.store().await.locations().await.expect("locations").remove(0);
    assert_eq!(kept.ai, location.ai, "a refused setting changes nothing");

    let off = succeeded(&db.run(&["location", "ai", "Canal Street", "--provider", "off"]));
    assert!(off.contains("provider off"), "{off}");
}

#[tokio::test]
async fn invitations_wait_in_the_outbox_without_smtp_and_the_operator_can_read_them() {
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    let invited =
        succeeded(&db.run(&["member", "invite", "--email", "sam@example.com", "--name", "Sam Lee"]));
    assert!(invited.contains("portico mail outbox --to sam@example.com"), "{invited}");
    let outbox = succeeded(&db.run(&["mail", "outbox", "--to", "sam@example.com"]));
    assert!(outbox.contains("Canal Street: your invitation") && outbox.contains("(waiting)"), "{outbox}");
    let first = outbox.split("/welcome?token=").nth(1).expect("the link is printed")[..47].to_string();
    succeeded(&db.run(&["member", "invite", "--resend", "sam@example.com"]));
    let outbox = succeeded(&db.run(&["mail", "outbox", "--to", "sam@example.com"]));
    assert_eq!(outbox.matches("/welcome?token=").count(), 2, "{outbox}");
    assert!(!outbox.split("--- #").nth(1).expect("newest first").contains(&first), "a new link");
    let twice = db.run(&["member", "invite", "--email", "sam@example.com", "--name", "Sam"]);
    assert!(!twice.status.success(), "an existing member is not invited again");
    let file = db.file("invite.csv", "Email,FullName\nab@example.com,Ab Able\n");
    succeeded(&db.run(&["member", "import", &file]));
    assert!(succeeded(&db.run(&["mail", "outbox", "--to", "ab@example.com"])).contains("/welcome?token="));
    assert!(succeeded(&db.run(&["mail", "outbox", "--to", "nobody@example.com"])).contains("empty"));
}

/// Run from the wrong directory, the CLI names the database it did not find instead of
/// creating an empty one; a location's custom fields and a member's two-step reset are
/// looked after from the command line.
#[tokio::test]
async fn a_missing_database_is_named_and_never_created() {
    let db = Database::new();
    for args in [
        &["member", "history", "ann@example.com"][..],
        &["location", "field", "list", "Canal Street"],
        &["mail", "outbox"],
    ] {
        let output = db.run(args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("there is no Portico database at") && stderr.contains("cli.db"),
            "{args:?}: {stderr}"
        );
        assert!(!db.dir.path().join("cli.db").exists(), "{args:?} created nothing");
    }
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    let added = succeeded(&db.run(&[
        "location",
        "field",
        "add",
        "Canal Street",
        "Diet",
        "--kind",
        "choice",
        "--choices",
        "Vegan, Vegetarian",
        "--in-directory",
    ]));
    assert!(added.starts_with("Added Custom1 at Canal Street"), "{added}");
    let listed = succeeded(&db.run(&["location", "field", "list", "Canal Street"]));
    assert!(
        listed.contains("Custom1")
            && listed.contains("choices Vegan | Vegetarian")
            && listed.contains("in the directory"),
        "{listed}"
    );
    let refused = db.run(&["location", "field", "add", "Canal Street", "Size", "--kind", "colour"]);
    assert!(
        !refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("not a kind of field")
    );
    let removed = succeeded(&db.run(&["location", "field", "remove", "Canal Street", "1"]));
    assert!(removed.contains("Removed Custom1"), "{removed}");
    let listed = succeeded(&db.run(&["location", "list"]));
    assert!(listed.contains("Canal Street\tcanal-street"), "{listed}");
    let renamed = succeeded(&db.run(&["location", "rename", "Canal Street", "Canal Street Works"]));
    assert!(renamed.contains("web address canal-street kept"), "{renamed}");
    assert_eq!(succeeded(&db.run(&["member", "list"])).trim(), "No member matches.");
    let reset = db.run(&["member", "two-factor", "--reset", "nobody@example.com"]);
    assert!(!reset.status.success(), "no such member");

    let pg = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["backup", "/tmp/never-written.db"])
        .env("PORTICO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
        .output()
        .expect("run portico");
    assert!(!pg.status.success());
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"), "PostgreSQL has its own tools");
}

/// The link in a queued message, as `portico mail outbox` prints it.
fn printed_link(outbox: &str) -> &str {
    let at = outbox.find("/welcome?token=").expect("a link");
    let start = outbox[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    outbox[start..].split_whitespace().next().expect("the link")
}

/// One configuration file for the server and every subcommand: the database URL and the
/// public URL come from it alone; a variable or a flag beats it; unknown keys are refused,
/// naming the key and the file.
#[tokio::test]
async fn every_command_reads_the_configuration_file() {
    let db = Database::new();
    let database = db.dir.path().join("from-the-file.db");
    let config = db.file(
        "etc-portico.toml",
        &format!(
            "# The server's settings, for the CLI too.\ndatabase_url = \"sqlite://{}\"\n\
             public_url = \"https://members.example.com\"\nmail_from = \"Canal Street <members@example.com>\"\n",
            database.display()
        ),
    );
    succeeded(&db.run_bare(&["location", "add", "Canal Street", "--config", &config]));
    assert!(database.exists() && !db.dir.path().join("cli.db").exists(), "the file's database");
    let invited = succeeded(&db.run_bare(&[
        "--config",
        &config,
        "member",
        "invite",
        "--email",
        "sam@example.com",
        "--name",
        "Sam Lee",
    ]));
    assert!(invited.contains("No SMTP server is configured"), "{invited}");
    let outbox = succeeded(&db.run_bare(&["mail", "outbox", "--config", &config]));
    assert!(
        printed_link(&outbox).starts_with("https://members.example.com/welcome?token="),
        "the file's public URL: {outbox}"
    );

    let mut with_variable = db.command(&["mail", "outbox"]);
    with_variable.env_remove("PORTICO_DATABASE_URL").env("PORTICO_CONFIG", &config);
    let outbox =
        succeeded(&with_variable.env("PORTICO_PUBLIC_URL", "https://env.example.com").output().expect("run"));
    assert!(
        printed_link(&outbox).starts_with("https://env.example.com/welcome?token="),
        "the variable wins: {outbox}"
    );
    let mut flagged = db.command(&["member", "list", "--database-url", &db.url]);
    let flagged =
        flagged.env_remove("PORTICO_DATABASE_URL").env("PORTICO_CONFIG", &config).output().expect("run");
    let stderr = String::from_utf8_lossy(&flagged.stderr);
    assert!(!flagged.status.success() && stderr.contains("cli.db"), "the flag wins over the file: {stderr}");

    // In the working directory, portico.toml is read without being named.
    std::fs::copy(&config, db.dir.path().join("portico.toml")).expect("copy");
    let listed = succeeded(&db.run_bare(&["member", "list"]));
    assert!(listed.contains("sam@example.com"), "{listed}");
    let mut none = db.command(&["member", "list"]);
    let none = none.env("PORTICO_CONFIG", "").output().expect("run");
    assert!(!none.status.success(), "PORTICO_CONFIG= reads no file, so the variable's cli.db is missing");

    // The SMTP server configured in the file is the CLI's too.
    let with_smtp = db.file(
        "smtp.toml",
        &format!("database_url = \"sqlite://{}\"\nsmtp_url = \"smtp://127.0.0.1:9\"\n", database.display()),
    );
    let resent =
        succeeded(&db.run_bare(&["member", "invite", "--resend", "sam@example.com", "--config", &with_smtp]));
    assert!(resent.contains("The e-mail is on its way") && !resent.contains("No SMTP"), "{resent}");

    let bad = db.file("bad.toml", "database_url = \"sqlite://x.db\"\nsmtp_host = \"mail.example.com\"\n");
    let refused = db.run_bare(&["member", "list", "--config", &bad]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "an unknown key is refused");
    assert!(
        stderr.contains("\"smtp_host\"") && stderr.contains(&bad) && stderr.contains("smtp_url"),
        "{stderr}"
    );
    let missing = db.run_bare(&["member", "list", "--config", "/nonexistent/portico.toml"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/portico.toml"));
}

/// `/metrics` is never on the public port unless asked for: on a listener of its own by
/// default, with the API with `--metrics-bind api`.
#[tokio::test]
async fn metrics_are_served_apart_from_the_api_unless_asked() {
    let db = Database::new();
    succeeded(&db.run(&["migrate"]));
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let (mut child, lines, address) = db.serve_with(&["--metrics-bind", "127.0.0.1:0"]);
    let public = client.get(format!("{address}/metrics")).send().await.expect("GET");
    assert_eq!(public.status(), 404, "not on the public port");
    let own = lines.iter().find_map(|l| l.strip_prefix("Metrics on ")).expect("the metrics' address");
    let scraped = client.get(own).send().await.expect("GET");
    assert_eq!(scraped.status(), 200, "{lines:?}");
    assert!(scraped.text().await.expect("text").contains("portico_"));
    child.kill().expect("stop");
    let _ = child.wait();

    let (mut child, lines, address) = db.serve_with(&["--metrics-bind", "api"]);
    let public = client.get(format!("{address}/metrics")).send().await.expect("GET");
    assert_eq!(public.status(), 200, "asked for with the API: {lines:?}");
    child.kill().expect("stop");
    let _ = child.wait();
}

/// `portico member show` tells an operator who a member is, everywhere.
#[tokio::test]
async fn a_member_is_shown_with_every_profile() {
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    succeeded(&db.run(&["location", "add", "Harbour House"]));
    let mut add = db.command(&["member", "add", "--email", "ann@example.com", "--name", "Ann Lee"]);
    succeeded(&add.env("PORTICO_MEMBER_PASSWORD", "violet kettle drum 42").output().expect("run"));
    succeeded(&db.run(&[
        "member",
        "add",
        "--email",
        "ann@example.com",
        "--name",
        "Ann Lee",
        "--location",
        "Harbour House",
    ]));
    succeeded(&db.run(&[
        "member",
        "set",
        "ann@example.com",
        "CompanyName=Lovelace & Co",
        "Position=Engineer",
    ]));
    succeeded(&db.run(&["member", "suspend", "ann@example.com"]));
    let shown = succeeded(&db.run(&["member", "show", "ANN@example.com"]));
    assert!(shown.starts_with("Member 1: Ann Lee <ann@example.com>, suspended"), "{shown}");
    assert!(shown.contains("two-step sign-in off") && shown.contains("0 live session(s)"), "{shown}");
    let profiles: Vec<&str> = shown.lines().filter(|l| l.trim_start().starts_with("profile ")).collect();
    assert_eq!(profiles.len(), 2, "{shown}");
    assert!(profiles[0].contains("at Canal Street, default: member, suspended"), "{shown}");
    assert!(profiles[1].contains("at Harbour House"), "{shown}");
    assert!(shown.contains("company: Lovelace & Co") && shown.contains("position: Engineer"), "{shown}");
    succeeded(&db.run(&["member", "reactivate", "ann@example.com"]));
    succeeded(&db.run(&["member", "invite", "--email", "sam@example.com", "--name", "Sam"]));
    let sam = succeeded(&db.run(&["member", "show", "sam@example.com"]));
    assert!(sam.contains("Sam <sam@example.com>, invited (no password chosen yet)"), "{sam}");
    let nobody = db.run(&["member", "show", "nobody@example.com"]);
    assert!(!nobody.status.success() && String::from_utf8_lossy(&nobody.stderr).contains("no member"));
    // No terminal: a new member without a password is refused, not asked for one.
    let refused = db.run(&["member", "add", "--email", "kim@example.com", "--name", "Kim"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs a password"));
}

/// At a terminal, `portico member add` without a password asks for a new member's, twice,
/// and never shows it (`script` gives the command a terminal of its own).
#[tokio::test]
async fn member_add_asks_for_the_password_at_a_terminal() {
    use std::io::{Read, Write};
    let db = Database::new();
    succeeded(&db.run(&["location", "add", "Canal Street"]));
    let portico = env!("CARGO_BIN_EXE_portico");
    let line = format!("'{portico}' member add --email kim@example.com --name 'Kim Lee'");
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("PORTICO_DATABASE_URL", &db.url)
        .env("PORTICO_ARGON2_MEMORY_KIB", "1024")
        .env("PORTICO_ARGON2_ITERATIONS", "1")
        .env_remove("PORTICO_MEMBER_PASSWORD")
        .current_dir(db.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script (util-linux)");
    let mut stdout = child.stdout.take().expect("stdout");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 256];
            while let Ok(n @ 1..) = stdout.read(&mut buffer) {
                seen.lock().expect("lock").push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        })
    };
    let wait_for = |prompt: &str| {
        for _ in 0..200 {
            if seen.lock().expect("lock").contains(prompt) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("no {prompt:?} in {:?}", seen.lock().expect("lock"));
    };
    let mut stdin = child.stdin.take().expect("stdin");
    wait_for("New password: ");
    stdin.write_all(b"violet kettle drum 42\n").expect("type");
    wait_for("The same again: ");
    stdin.write_all(b"violet kettle drum 42\n").expect("type");
    let status = child.wait().expect("wait");
    reader.join().expect("reader");
    let said = seen.lock().expect("lock").clone();
    assert!(status.success() && said.contains("Created member"), "{said}");
    assert!(!said.contains("violet"), "never echoed: {said}");
    let store = db.store().await;
    assert!(store.login_record("kim@example.com").await.expect("query").is_some());
}
