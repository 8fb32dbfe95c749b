//! Profile photos, identically on both backends: stored, replaced, looked up by `UniqueId`
//! with who may see them, removed.

use super::*;
use portico::domain::photo::{Photo, PhotoKind};

fn photo(byte: u8) -> Photo {
    Photo { jpeg: vec![0xFF, 0xD8, byte], etag: format!("tag{byte}") }
}

async fn photos_are_stored_replaced_found_and_removed(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let unique_id = f.store.profile(ann.profile_id).await.expect("profile").unique_id;
    let found = f.store.photo(&unique_id, PhotoKind::Avatar).await.expect("lookup").expect("the profile");
    assert_eq!((found.profile_id, found.user_id, found.public), (ann.profile_id, ann.user_id, false));
    assert_eq!(found.full_name, "Member ann@example.com");
    assert_eq!(found.photo, None, "no photo yet");

    f.store.save_photo(ann.profile_id, PhotoKind::Avatar, &photo(1), f.now).await.expect("save");
    f.store.save_photo(ann.profile_id, PhotoKind::Avatar, &photo(2), f.now).await.expect("replace");
    f.store.save_photo(ann.profile_id, PhotoKind::Banner, &photo(3), f.now).await.expect("banner");
    let avatar = f.store.photo(&unique_id, PhotoKind::Avatar).await.expect("lookup").expect("profile");
    assert_eq!(avatar.photo, Some(photo(2)));
    let banner = f.store.photo(&unique_id, PhotoKind::Banner).await.expect("lookup").expect("profile");
    assert_eq!(banner.photo, Some(photo(3)));

    f.store
        .apply_profile_patch(&update(&f, &ann, &patch(json!({"ProfileIsPublic": true}))))
        .await
        .expect("public");
    assert!(f.store.photo(&unique_id, PhotoKind::Avatar).await.expect("lookup").expect("profile").public);

    assert!(f.store.delete_photo(ann.profile_id, PhotoKind::Avatar).await.expect("delete"));
    assert!(!f.store.delete_photo(ann.profile_id, PhotoKind::Avatar).await.expect("delete again"));
    assert_eq!(
        f.store.photo(&unique_id, PhotoKind::Avatar).await.expect("lookup").expect("profile").photo,
        None
    );
    assert_eq!(
        f.store.photo(&unique_id, PhotoKind::Banner).await.expect("lookup").expect("profile").photo,
        Some(photo(3))
    );
    assert!(f.store.photo("no-such-profile", PhotoKind::Avatar).await.expect("lookup").is_none());
}

every_store!(photos_are_stored_replaced_found_and_removed);
