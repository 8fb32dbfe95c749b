//! The seven social links: each accepts a handle or a profile address and is stored in
//! one canonical form, so the directory can link to it safely.

use url::Url;

use super::error::ErrorCode;
use super::text::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Twitter,
    Linkedin,
    Github,
    Instagram,
    Facebook,
    Skype,
    Telegram,
    Google,
    Pinterest,
    Flickr,
    Vimeo,
    Tumblr,
    Blogger,
}

impl Network {
    /// Normalises `text` (already cleaned) to the network's canonical form.
    pub fn canonical(self, text: &str) -> Result<String, Problem> {
        let result = match self {
            Network::Twitter => handle_or_url(text, &["twitter.com", "x.com"], is_twitter_handle)
                .map(|h| format!("https://x.com/{h}")),
            Network::Github => handle_or_url(text, &["github.com"], is_github_user)
                .map(|h| format!("https://github.com/{h}")),
            Network::Instagram => handle_or_url(text, &["instagram.com"], is_instagram_handle)
                .map(|h| format!("https://www.instagram.com/{h}")),
            Network::Telegram => handle_or_url(text, &["t.me", "telegram.me"], is_telegram_user)
                .map(|h| format!("https://t.me/{h}")),
            Network::Linkedin => linkedin(text),
            Network::Facebook => facebook(text),
            Network::Skype => is_skype_name(text).then(|| text.to_string()),
            Network::Google => google(text),
            Network::Pinterest => handle_or_url(text, &["pinterest.com"], is_pinterest_user)
                .map(|h| format!("https://www.pinterest.com/{h}")),
            Network::Flickr => flickr(text),
            Network::Vimeo => {
                handle_or_url(text, &["vimeo.com"], is_vimeo_user).map(|h| format!("https://vimeo.com/{h}"))
            }
            Network::Tumblr => tumblr(text),
            Network::Blogger => blogger(text),
        };
        result.ok_or_else(|| Problem::new(ErrorCode::InvalidHandle, self.expectation()))
    }

    /// What the API reference says the network takes and stores.
    pub fn reference(self) -> &'static str {
        match self {
            Network::Twitter => {
                "`@handle`, `handle` or an x.com/twitter.com address → `https://x.com/handle`"
            }
            Network::Linkedin => {
                "a linkedin.com `/in/slug`, `/company/slug` or `/school/slug` address → \
                 `https://www.linkedin.com/in/slug`; an old `/pub/slug/1/2/3` address keeps its segments"
            }
            Network::Github => "a username or a github.com profile address → `https://github.com/user`",
            Network::Instagram => {
                "`@handle`, `handle` or an instagram.com address → `https://www.instagram.com/handle`"
            }
            Network::Facebook => {
                "a facebook.com (or fb.com) address → `https://www.facebook.com/name` or `…/profile.php?id=N`"
            }
            Network::Skype => "a Skype name (6–32, starting with a letter) or a `live:` id, kept as written",
            Network::Telegram => "`@username`, `username` (5–32) or a t.me address → `https://t.me/username`",
            Network::Google => {
                "a google.com address with a path (a Google profile or Maps contributor page), kept whole"
            }
            Network::Pinterest => {
                "`username` (3–30) or a pinterest.com address → `https://www.pinterest.com/username`"
            }
            Network::Flickr => {
                "a Flickr name or id (`12345678@N00`), or a flickr.com `/people/…` or `/photos/…` address → \
                 `https://www.flickr.com/people/name`"
            }
            Network::Vimeo => {
                "a Vimeo name (not a video number) or a vimeo.com address → `https://vimeo.com/name`"
            }
            Network::Tumblr => {
                "a Tumblr name, `name.tumblr.com` or `tumblr.com/name` → `https://www.tumblr.com/name`"
            }
            Network::Blogger => {
                "a blog name or `name.blogspot.com` → `https://name.blogspot.com`; a blogger.com profile address \
                 → `https://www.blogger.com/profile/N`"
            }
        }
    }

    /// A value the network takes, as a member would type it.
    pub fn example(self) -> &'static str {
        match self {
            Network::Twitter => "@jane_doe",
            Network::Linkedin => "https://www.linkedin.com/in/jane-doe",
            Network::Github => "janedoe",
            Network::Instagram => "@jane.doe",
            Network::Facebook => "https://facebook.com/jane.doe",
            Network::Skype => "jane.doe.42",
            Network::Telegram => "@jane_doe",
            Network::Google => "https://www.google.com/maps/contrib/1234567890",
            Network::Pinterest => "janedoe",
            Network::Flickr => "flickr.com/photos/janedoe",
            Network::Vimeo => "janedoe",
            Network::Tumblr => "janedoe.tumblr.com",
            Network::Blogger => "janedoe.blogspot.com",
        }
    }

    fn expectation(self) -> &'static str {
        match self {
            Network::Twitter => "must be an X/Twitter handle (like @jane) or an x.com/twitter.com address",
            Network::Linkedin => "must be a linkedin.com profile address (like linkedin.com/in/jane)",
            Network::Github => "must be a GitHub username or a github.com address",
            Network::Instagram => "must be an Instagram handle or an instagram.com address",
            Network::Facebook => "must be a facebook.com profile address",
            Network::Skype => {
                "must be a Skype name (6–32 letters, digits or . , _ -, starting with a letter) or a live: id"
            }
            Network::Telegram => "must be a Telegram username (5–32 letters, digits or _) or a t.me address",
            Network::Google => "must be a google.com profile address",
            Network::Pinterest => "must be a Pinterest username or a pinterest.com address",
            Network::Flickr => "must be a Flickr name or a flickr.com people or photos address",
            Network::Vimeo => "must be a Vimeo name or a vimeo.com profile address (not a video)",
            Network::Tumblr => "must be a Tumblr name or a tumblr.com address",
            Network::Blogger => {
                "must be a blog name, a blogspot.com address or a blogger.com profile address"
            }
        }
    }
}

/// A bare handle (optionally with `@`) or the address of a profile on one of `hosts`: a
/// path of the handle alone. Any other address on the site (a post, a repository, an
/// invitation link) is refused rather than cut down to its first segment.
fn handle_or_url(text: &str, hosts: &[&str], valid: fn(&str) -> bool) -> Option<String> {
    let handle = match profile_url(text, hosts) {
        Some(url) => {
            only_segment(&url).filter(|h| !RESERVED_PATHS.contains(&h.to_ascii_lowercase().as_str()))?
        }
        None if looks_like_address(text) => return None,
        None => text.strip_prefix('@').unwrap_or(text).to_string(),
    };
    valid(&handle).then_some(handle)
}

fn looks_like_address(text: &str) -> bool {
    text.contains('/') || text.contains(':')
}

/// Parses `text` as an address (adding `https://`) on one of `hosts` or a subdomain of it.
fn profile_url(text: &str, hosts: &[&str]) -> Option<Url> {
    if !text.contains('/') && !hosts.iter().any(|h| text.starts_with(h) || text.contains(&format!(".{h}"))) {
        return None;
    }
    let candidate = if text.contains("://") { text.to_string() } else { format!("https://{text}") };
    let url = Url::parse(&candidate).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let on_network = hosts.iter().any(|h| host == *h || host.ends_with(&format!(".{h}")));
    on_network.then_some(url)
}

/// First path segments of the networks that are pages of the site, not profiles.
const RESERVED_PATHS: &[&str] = &[
    "p", "reel", "reels", "explore", "stories", "tv", "joinchat", "s", "share", "i", "home", "intent",
    "search", "hashtag", "settings", "orgs", "sponsors", "login", "signup", "about", "accounts",
];

fn first_segment(url: &Url) -> Option<String> {
    url.path_segments()?.find(|s| !s.is_empty()).map(str::to_string)
}

/// The path's one segment (a trailing slash allowed); `None` for a deeper path.
fn only_segment(url: &Url) -> Option<String> {
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    match segments[..] {
        [handle] => Some(handle.to_string()),
        _ => None,
    }
}

/// `linkedin.com/in/SLUG` (or `company/`, `school/`), or an old public profile
/// `linkedin.com/pub/SLUG/1/2/3`, kept whole; any deeper page is refused.
fn linkedin(text: &str) -> Option<String> {
    let url = profile_url(text, &["linkedin.com"])?;
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let slug_ok = |slug: &str| {
        slug.len() <= 100 && slug.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '%' | '.'))
    };
    let path = match segments[..] {
        [kind @ ("in" | "company" | "school"), slug] if slug_ok(slug) => format!("{kind}/{slug}"),
        ["pub", slug, ref rest @ ..]
            if slug_ok(slug)
                && rest.len() <= 3
                && rest
                    .iter()
                    .all(|p| (1..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())) =>
        {
            std::iter::once("pub")
                .chain(std::iter::once(slug))
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join("/")
        }
        _ => return None,
    };
    Some(format!("https://www.linkedin.com/{path}"))
}

fn facebook(text: &str) -> Option<String> {
    let url = profile_url(text, &["facebook.com", "fb.com"])?;
    let first = first_segment(&url)?;
    if first == "profile.php" {
        let id = url.query_pairs().find(|(k, _)| k == "id")?.1.to_string();
        return (!id.is_empty() && id.len() <= 20 && id.chars().all(|c| c.is_ascii_digit()))
            .then(|| format!("https://www.facebook.com/profile.php?id={id}"));
    }
    let name = only_segment(&url)?;
    let ok = name.len() <= 50 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    ok.then(|| format!("https://www.facebook.com/{name}"))
}

/// An address on google.com (or a subdomain) with a path, kept whole without its query.
fn google(text: &str) -> Option<String> {
    let mut url = profile_url(text, &["google.com"])?;
    first_segment(&url)?;
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_scheme("https");
    Some(url.to_string())
}

fn flickr(text: &str) -> Option<String> {
    let id = match profile_url(text, &["flickr.com"]) {
        Some(url) => {
            let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
            match segments[..] {
                ["people" | "photos", id] => id.to_string(),
                _ => return None,
            }
        }
        None if looks_like_address(text) => return None,
        None => text.strip_prefix('@').unwrap_or(text).to_string(),
    };
    let ok = (1..=40).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '_' | '-'));
    ok.then(|| format!("https://www.flickr.com/people/{id}"))
}

fn tumblr(text: &str) -> Option<String> {
    let name = match profile_url(text, &["tumblr.com"]) {
        Some(url) => {
            let host = url.host_str()?.to_ascii_lowercase();
            match host.strip_suffix(".tumblr.com").filter(|sub| *sub != "www") {
                Some(sub) if url.path() == "/" || url.path().is_empty() => sub.to_string(),
                Some(_) => return None,
                None => only_segment(&url)?,
            }
        }
        None if looks_like_address(text) => return None,
        None => text.to_string(),
    };
    is_blog_name(&name).then(|| format!("https://www.tumblr.com/{}", name.to_ascii_lowercase()))
}

fn blogger(text: &str) -> Option<String> {
    if let Some(url) = profile_url(text, &["blogger.com"]) {
        let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
        return match segments[..] {
            ["profile", id] if (1..=30).contains(&id.len()) && id.chars().all(|c| c.is_ascii_digit()) => {
                Some(format!("https://www.blogger.com/profile/{id}"))
            }
            _ => None,
        };
    }
    let name = match profile_url(text, &["blogspot.com"]) {
        Some(url) if url.path() == "/" || url.path().is_empty() => {
            url.host_str()?.to_ascii_lowercase().strip_suffix(".blogspot.com")?.to_string()
        }
        Some(_) => return None,
        None if looks_like_address(text) => return None,
        None => text.to_string(),
    };
    is_blog_name(&name).then(|| format!("https://{}.blogspot.com", name.to_ascii_lowercase()))
}

fn is_blog_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn is_pinterest_user(h: &str) -> bool {
    (3..=30).contains(&h.len()) && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Vimeo name: a digits-only path is a video, not a profile.
fn is_vimeo_user(h: &str) -> bool {
    (2..=40).contains(&h.len())
        && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        && !h.chars().all(|c| c.is_ascii_digit())
}

fn is_twitter_handle(h: &str) -> bool {
    (1..=15).contains(&h.len()) && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_github_user(h: &str) -> bool {
    (1..=39).contains(&h.len())
        && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !h.starts_with('-')
        && !h.ends_with('-')
        && !h.contains("--")
}

fn is_instagram_handle(h: &str) -> bool {
    (1..=30).contains(&h.len()) && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn is_telegram_user(h: &str) -> bool {
    (5..=32).contains(&h.len())
        && h.starts_with(|c: char| c.is_ascii_alphabetic())
        && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_skype_name(h: &str) -> bool {
    if let Some(id) = h.strip_prefix("live:") {
        return (1..=40).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    }
    (6..=32).contains(&h.len())
        && h.starts_with(|c: char| c.is_ascii_alphabetic())
        && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::Network::*;
    use super::*;

    fn ok(network: Network, input: &str) -> String {
        network.canonical(input).unwrap_or_else(|p| panic!("{input}: {}", p.message))
    }

    #[test]
    fn the_older_networks_take_their_profiles_and_nothing_else() {
        assert_eq!(ok(Pinterest, "janedoe"), "https://www.pinterest.com/janedoe");
        assert_eq!(ok(Pinterest, "https://pinterest.com/janedoe/"), "https://www.pinterest.com/janedoe");
        assert_eq!(
            ok(Flickr, "flickr.com/photos/12345678@N00"),
            "https://www.flickr.com/people/12345678@N00"
        );
        assert_eq!(ok(Flickr, "jane_doe"), "https://www.flickr.com/people/jane_doe");
        assert_eq!(ok(Vimeo, "vimeo.com/janedoe"), "https://vimeo.com/janedoe");
        assert!(Vimeo.canonical("vimeo.com/123456789").is_err(), "a video is not a profile");
        assert_eq!(ok(Tumblr, "JaneDoe.tumblr.com"), "https://www.tumblr.com/janedoe");
        assert_eq!(ok(Tumblr, "tumblr.com/janedoe"), "https://www.tumblr.com/janedoe");
        assert!(Tumblr.canonical("janedoe.tumblr.com/post/1").is_err());
        assert_eq!(ok(Blogger, "janedoe.blogspot.com"), "https://janedoe.blogspot.com");
        assert_eq!(
            ok(Blogger, "https://www.blogger.com/profile/0123456789"),
            "https://www.blogger.com/profile/0123456789"
        );
        assert!(Blogger.canonical("blogger.com/about").is_err());
        assert_eq!(
            ok(Google, "http://www.google.com/maps/contrib/123?hl=en"),
            "https://www.google.com/maps/contrib/123"
        );
        assert!(Google.canonical("https://google.com/").is_err(), "no page");
        for bad in ["https://evil.example/janedoe", "javascript:alert(1)", "jane doe"] {
            for network in [Pinterest, Flickr, Vimeo, Tumblr, Blogger, Google] {
                assert!(network.canonical(bad).is_err(), "{network:?} {bad}");
            }
        }
        for network in [Google, Pinterest, Flickr, Vimeo, Tumblr, Blogger] {
            assert!(network.canonical(network.example()).is_ok(), "{network:?}'s example");
        }
    }

    #[test]
    fn twitter_handles_and_addresses_become_one_form() {
        for input in [
            "@jack",
            "jack",
            "https://twitter.com/jack",
            "x.com/jack",
            "https://mobile.twitter.com/jack/",
            "www.x.com/jack?s=20",
        ] {
            assert_eq!(ok(Twitter, input), "https://x.com/jack", "{input}");
        }
        for bad in ["https://evil.com/jack", "jack smith", "javascript:alert(1)", "@waytoolonghandle123"] {
            assert!(Twitter.canonical(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn github_instagram_telegram() {
        assert_eq!(ok(Github, "octo-cat"), "https://github.com/octo-cat");
        assert_eq!(ok(Github, "https://github.com/octo-cat/"), "https://github.com/octo-cat");
        assert!(
            Github.canonical("https://github.com/octo-cat/repo").is_err(),
            "a repository is not a profile"
        );
        assert!(Github.canonical("-octo").is_err());
        for page in ["instagram.com/p/abc", "https://www.instagram.com/reel/xyz/", "instagram.com/explore"] {
            assert!(Instagram.canonical(page).is_err(), "{page} is not a profile");
        }
        assert!(Telegram.canonical("t.me/joinchat/xyzxyz").is_err(), "an invitation is not a profile");
        assert!(Twitter.canonical("x.com/jack/status/20").is_err(), "a post is not a profile");
        assert_eq!(ok(Instagram, "@jane.doe"), "https://www.instagram.com/jane.doe");
        assert_eq!(ok(Telegram, "t.me/jane_doe"), "https://t.me/jane_doe");
        assert!(Telegram.canonical("abc").is_err());
    }

    #[test]
    fn linkedin_and_facebook_need_addresses_on_their_site() {
        assert_eq!(ok(Linkedin, "linkedin.com/in/jane-doe"), "https://www.linkedin.com/in/jane-doe");
        assert_eq!(
            ok(Linkedin, "https://uk.linkedin.com/in/jane-doe/"),
            "https://www.linkedin.com/in/jane-doe"
        );
        assert!(Linkedin.canonical("jane-doe").is_err());
        assert_eq!(
            ok(Linkedin, "uk.linkedin.com/pub/jane-doe/1/2/3"),
            "https://www.linkedin.com/pub/jane-doe/1/2/3",
            "an old public profile keeps its segments"
        );
        assert!(Linkedin.canonical("linkedin.com/in/jane-doe/details/experience").is_err());
        let long = format!("linkedin.com/in/{}", "j".repeat(101));
        for bad in [
            "linkedin.com/in/jane!doe",
            long.as_str(),
            "linkedin.com/pub/jane!doe/1/2/3",
            "linkedin.com/pub/jane/1/2/3/4",
            "linkedin.com/pub/jane/1234/2/3",
            "linkedin.com/pub/jane/1-2/3",
            "linkedin.com/feed/jane",
        ] {
            assert!(Linkedin.canonical(bad).is_err(), "{bad}");
        }
        assert_eq!(ok(Linkedin, "linkedin.com/pub/jane/a1"), "https://www.linkedin.com/pub/jane/a1");
        assert!(Linkedin.canonical("https://linkedin.com.evil.net/in/jane").is_err());
        assert_eq!(ok(Facebook, "https://m.facebook.com/jane.doe"), "https://www.facebook.com/jane.doe");
        assert_eq!(
            ok(Facebook, "facebook.com/profile.php?id=1234"),
            "https://www.facebook.com/profile.php?id=1234"
        );
        assert!(Facebook.canonical("jane.doe").is_err());
        assert!(Facebook.canonical("facebook.com/jane.doe/posts/123").is_err(), "a post is not a profile");
        assert!(Facebook.canonical("facebook.com/jane!doe").is_err());
        assert!(Facebook.canonical(&format!("facebook.com/{}", "j".repeat(51))).is_err());
    }

    #[test]
    fn skype_names() {
        assert_eq!(ok(Skype, "jane.doe_1"), "jane.doe_1");
        assert_eq!(ok(Skype, "live:jane_1"), "live:jane_1");
        assert!(Skype.canonical("1jane").is_err());
        assert!(Skype.canonical("<script>").is_err());
    }
}
